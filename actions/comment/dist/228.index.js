export const id = 228;
export const ids = [228];
export const modules = {

/***/ 62228:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   listRunArtifacts: () => (/* binding */ listRunArtifacts)
/* harmony export */ });
/* unused harmony exports getPullHead, WRITE_ROLES, getRepoRole, canWrite, dispatchWorkflow */
/* harmony import */ var _octokit_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(59547);
/**
 * Small REST adapters the workflows' actions need besides jobs and comments:
 * a PR's head, a user's permission, a run's artifacts, a workflow dispatch.
 */

async function getPullHead(octokit, where) {
    try {
        const { data } = await octokit.rest.pulls.get({ owner: where.owner, repo: where.repo, pull_number: where.pullNumber });
        const headRepo = data.head.repo?.full_name ?? "";
        return {
            number: data.number,
            headSha: data.head.sha,
            headRef: data.head.ref,
            headRepo,
            isFork: headRepo !== data.base.repo.full_name,
            draft: data.draft ?? false,
            labels: data.labels.map((l) => l.name ?? "").filter(Boolean),
            author: data.user.login,
            htmlUrl: data.html_url,
        };
    }
    catch (e) {
        throw githubError(e, `reading pull request #${where.pullNumber} of ${where.owner}/${where.repo}`);
    }
}
/** Roles that may start sweeps. */
const WRITE_ROLES = (/* unused pure expression or super */ null && (["admin", "maintain", "write"]));
/** The user's role on the repository (`admin`, `maintain`, `write`, `triage`, `read` or `none`). */
async function getRepoRole(octokit, where) {
    try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: where.owner, repo: where.repo, username: where.username });
        return data.role_name || data.permission;
    }
    catch (e) {
        if (e.status === 404)
            return "none";
        throw githubError(e, `reading ${where.username}'s permission on ${where.owner}/${where.repo}`);
    }
}
/** True when the role may write (admin, maintain, write). */
function canWrite(role) {
    return WRITE_ROLES.includes(role);
}
/** Every artifact of a run (all pages). */
async function listRunArtifacts(octokit, where) {
    try {
        const arts = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
            owner: where.owner,
            repo: where.repo,
            run_id: where.runId,
            per_page: 100,
        });
        return arts.map((a) => ({ id: a.id, name: a.name, size_in_bytes: a.size_in_bytes, expired: a.expired }));
    }
    catch (e) {
        throw (0,_octokit_js__WEBPACK_IMPORTED_MODULE_0__/* .githubError */ .qQ)(e, `listing the artifacts of run ${where.runId} in ${where.owner}/${where.repo}`);
    }
}
/** Starts a workflow_dispatch run; resolves to the new run's id and URL when GitHub reports them. */
async function dispatchWorkflow(octokit, where) {
    try {
        const res = await octokit.rest.actions.createWorkflowDispatch({
            owner: where.owner,
            repo: where.repo,
            workflow_id: where.workflow,
            ref: where.ref,
            inputs: where.inputs,
            return_run_details: true,
        });
        const data = res.data;
        return { ...(data?.workflow_run_id ? { runId: data.workflow_run_id } : {}), ...(data?.html_url ? { htmlUrl: data.html_url } : {}) };
    }
    catch (e) {
        throw githubError(e, `dispatching workflow ${where.workflow} on ${where.ref}`);
    }
}


/***/ })

};
