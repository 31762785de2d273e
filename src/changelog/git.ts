/**
 * Reads one file at several git refs with real git, in one process
 * (`git cat-file --batch`), so that reading both versions of the changelog
 * costs one spawn however many refs are asked for.
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { UserError } from "../errors.js";
import { decodeUtf8Strict } from "../io/read-user-file.js";

export interface FileAtRef {
  ref: string;
  /** The commit the ref resolved to. */
  commit: string;
  /** The file's text at that commit, or undefined when the file does not exist there. */
  text: string | undefined;
}

function runGitBatch(cwd: string, input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      ["cat-file", "--batch"],
      { cwd, encoding: "buffer", maxBuffer: 512 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "ENOENT") {
            reject(new UserError("git is not installed or not on PATH (infx changelog reads the changelog with git)"));
            return;
          }
          const msg =
            Buffer.from(stderr ?? "")
              .toString("utf8")
              .trim()
              .split("\n")
              .pop() ?? err.message;
          reject(new UserError(`git failed in ${cwd}: ${msg}`));
          return;
        }
        resolve(stdout as Buffer);
      },
    );
    // git may exit before reading its input (not a repository): the exit status reports that, not EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  });
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The text of `file` (a path on disk inside a git work tree) at each ref.
 * Throws UserError naming the ref when a ref does not resolve to a commit;
 * a file missing at a ref gives `text: undefined`.
 */
export async function readFileAtRefs(file: string, refs: readonly string[]): Promise<FileAtRef[]> {
  for (const r of refs) {
    if (r === "" || /[\s\0]/.test(r)) throw new UserError(`invalid git ref ${JSON.stringify(r)}: a ref cannot be empty or contain spaces or newlines`);
  }
  const cwd = dirname(file);
  if (!isDirectory(cwd)) throw new UserError(`${cwd}: no such directory (the changelog file must be inside a git work tree)`);
  const rel = `./${basename(file)}`;
  const queries = [...refs.map((r) => `${r}^{commit}`), ...refs.map((r) => `${r}:${rel}`)];
  const out = await runGitBatch(cwd, queries.map((q) => q + "\n").join(""));
  // Output: per query "<oid> <type> <size>\n<content>\n" or "<query> missing\n" (or "ambiguous").
  const answers: ({ oid: string; content: Buffer } | { missing: string })[] = [];
  let pos = 0;
  for (const q of queries) {
    const nl = out.indexOf(10, pos);
    if (nl < 0) throw new UserError(`git cat-file gave a short answer for '${q}'`);
    const header = out.subarray(pos, nl).toString("utf8");
    pos = nl + 1;
    const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
    if (!m) {
      answers.push({ missing: header.endsWith(" ambiguous") ? "ambiguous" : "missing" });
      continue;
    }
    const size = Number(m[3]);
    answers.push({ oid: m[1]!, content: out.subarray(pos, pos + size) });
    pos += size + 1;
  }
  return refs.map((ref, i) => {
    const commit = answers[i]!;
    if ("missing" in commit)
      throw new UserError(
        `git ref '${ref}' ${commit.missing === "ambiguous" ? "is ambiguous" : "does not name a commit"} in the repository at ${cwd} (fetch it first, e.g. 'git fetch origin ${ref}', or check the spelling)`,
      );
    const blob = answers[refs.length + i]!;
    return { ref, commit: commit.oid, text: "missing" in blob ? undefined : decodeUtf8Strict(blob.content, `${file} at ${ref}`) };
  });
}
