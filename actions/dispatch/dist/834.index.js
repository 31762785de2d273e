export const id = 834;
export const ids = [834];
export const modules = {

/***/ 47834:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   upsertStickyComment: () => (/* binding */ upsertStickyComment)
/* harmony export */ });
/* unused harmony exports isStickyComment, findStickyComments */
/* harmony import */ var _octokit_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(59547);
/** Sticky issue/PR comments: one comment per marker, found across all pages and updated in place. */

/** A comment is ours when its body starts with the marker (a quote of it in a reply starts with `>`). */
function isStickyComment(body, marker) {
    return typeof body === "string" && body.trimStart().startsWith(marker);
}
/** Comments on an issue/PR that carry `marker`, oldest first (all pages). */
async function findStickyComments(octokit, where) {
    try {
        const all = await octokit.paginate(octokit.rest.issues.listComments, {
            owner: where.owner,
            repo: where.repo,
            issue_number: where.issueNumber,
            per_page: 100,
        });
        return all
            .filter((c) => isStickyComment(c.body, where.marker))
            .sort((a, b) => a.id - b.id)
            .map((c) => ({ id: c.id, html_url: c.html_url, body: c.body ?? "" }));
    }
    catch (e) {
        throw (0,_octokit_js__WEBPACK_IMPORTED_MODULE_0__/* .githubError */ .qQ)(e, `listing the comments of #${where.issueNumber} in ${where.owner}/${where.repo}`);
    }
}
/** Creates the comment that starts with `marker`, or updates the existing one. `body` must start with the marker. */
async function upsertStickyComment(octokit, where) {
    if (!isStickyComment(where.body, where.marker))
        throw new Error("sticky comment body must start with its marker");
    const found = await findStickyComments(octokit, where);
    const [first, ...rest] = found;
    if (first) {
        try {
            const { data } = await octokit.rest.issues.updateComment({ owner: where.owner, repo: where.repo, comment_id: first.id, body: where.body });
            return { action: "updated", id: data.id, url: data.html_url, duplicates: rest.map((c) => c.id) };
        }
        catch (e) {
            throw (0,_octokit_js__WEBPACK_IMPORTED_MODULE_0__/* .githubError */ .qQ)(e, `updating comment ${first.id} on #${where.issueNumber}`);
        }
    }
    try {
        const { data } = await octokit.rest.issues.createComment({ owner: where.owner, repo: where.repo, issue_number: where.issueNumber, body: where.body });
        return { action: "created", id: data.id, url: data.html_url, duplicates: [] };
    }
    catch (e) {
        throw (0,_octokit_js__WEBPACK_IMPORTED_MODULE_0__/* .githubError */ .qQ)(e, `commenting on #${where.issueNumber} in ${where.owner}/${where.repo}`);
    }
}


/***/ })

};
