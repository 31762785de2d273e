// Builds git repositories for changelog tests with real git: one
// `git fast-import` run creates any number of (base, head) commit pairs, each
// pair a two-commit history of one file, so a test suite costs a few git
// processes, not a few per case.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli.js";

export interface CommitPair {
  base: string;
  head: string;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "infx test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "infx test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

/** Runs `git fast-import` on `input` and returns the commit id of each mark of `marks`. */
function fastImport(dir: string, input: string, marks: number[][]): string[][] {
  const marksFile = join(dir, ".git", "infx-marks");
  execFileSync("git", ["fast-import", "--quiet", `--export-marks=${marksFile}`], { cwd: dir, input, env: GIT_ENV, maxBuffer: 256 * 1024 * 1024 });
  const sha = new Map(
    readFileSync(marksFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => {
        const [m, s] = l.split(" ");
        return [Number(m!.slice(1)), s!] as const;
      }),
  );
  return marks.map((ms) => ms.map((m) => sha.get(m)!));
}

/** A fresh repository in a temp dir; `cleanup()` removes it. */
export function tempRepo(prefix = "infx-changelog-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync("git", ["init", "-q", "-b", "main", dir], { env: GIT_ENV });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Creates, for each version list, a chain of commits where commit i holds
 * `path` with text versions[i] (undefined: the file is absent). Returns the
 * commit ids per chain. The work tree is left untouched.
 */
export function commitChains(dir: string, path: string, chains: (string | undefined)[][]): string[][] {
  let mark = 0;
  const parts: string[] = [];
  const marks: number[][] = [];
  chains.forEach((versions, c) => {
    const ms: number[] = [];
    versions.forEach((text, i) => {
      const m = ++mark;
      ms.push(m);
      const msg = `chain ${c} commit ${i}\n`;
      parts.push(
        `commit refs/heads/chain-${c}\nmark :${m}\ncommitter infx test <test@example.com> ${1700000000 + m} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`,
      );
      if (i > 0) parts.push(`from :${ms[i - 1]}\n`);
      if (text === undefined) parts.push(`deleteall\n`);
      else parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
    });
    marks.push(ms);
  });
  return fastImport(dir, parts.join(""), marks);
}

/**
 * Like commitChains, but each commit holds a whole tree: path -> text
 * (files absent from a commit are absent from its tree). Identical texts are
 * stored once. Returns the commit ids per chain.
 */
export function commitTreeChains(dir: string, chains: Record<string, string>[][]): string[][] {
  let mark = 0;
  const parts: string[] = [];
  const blobs = new Map<string, number>();
  const blob = (text: string) => {
    let m = blobs.get(text);
    if (m === undefined) {
      m = ++mark;
      blobs.set(text, m);
      parts.push(`blob\nmark :${m}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
    }
    return m;
  };
  const marks: number[][] = [];
  chains.forEach((trees, c) => {
    const ms: number[] = [];
    trees.forEach((tree, i) => {
      const files = Object.entries(tree).map(([path, text]) => `M 100644 :${blob(text)} ${path}\n`);
      const m = ++mark;
      ms.push(m);
      const msg = `chain ${c} commit ${i}\n`;
      parts.push(
        `commit refs/heads/tree-chain-${c}\nmark :${m}\ncommitter infx test <test@example.com> ${1700000000 + m} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`,
      );
      if (i > 0) parts.push(`from :${ms[i - 1]}\n`);
      parts.push(`deleteall\n`, ...files);
    });
    marks.push(ms);
  });
  return fastImport(dir, parts.join(""), marks);
}

/** The 2026-08 examples (scenarios configs, labels runner map) in a repository whose changelog gains both example entries. */
export function scenarioChangelogRepo(): { repo: string; base: string; head: string } {
  const repo = mkdtempSync(join(tmpdir(), "infx-2026-08-"));
  cpSync(join(ROOT, "examples/2026-08"), join(repo, "configs"), { recursive: true });
  const full = readFileSync(join(repo, "configs/perf-changelog.yaml"), "utf8");
  const git = (...a: string[]) => execFileSync("git", ["-c", "user.email=a@b.c", "-c", "user.name=t", ...a], { cwd: repo, encoding: "utf8" }).trim();
  writeFileSync(join(repo, "perf-changelog.yaml"), "");
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "base");
  const base = git("rev-parse", "HEAD");
  writeFileSync(join(repo, "perf-changelog.yaml"), full);
  git("commit", "-qam", "head");
  return { repo, base, head: git("rev-parse", "HEAD") };
}
