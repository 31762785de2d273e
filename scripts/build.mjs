// Builds the committed outputs, deterministically:
//   dist/            tsc output of src/ (the `infx` bin runs from here after `npm ci`)
//   actions/*/dist/  one ncc bundle per action entry in src/actions/<name>.ts
// `node scripts/build.mjs --check` rebuilds into a temp dir and fails when the
// committed files differ (the freshness check CI runs).
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

/**
 * Action bundles are minified: @actions/artifact brings the Azure blob SDK,
 * ~5 MB per bundle unminified; terser's output is deterministic. Chunks (from
 * dynamic imports) land beside index.js. Each bundle builds in a child process,
 * so they build in parallel.
 */
const NCC_OPTIONS = { minify: true, sourceMap: false, quiet: true, target: "es2022" };

/**
 * The bundle's inputs: the entry's tsc output and every dist/ module it
 * reaches by relative import, the lockfile (node_modules), and the options.
 * ncc is deterministic, so equal inputs give equal bundles: a bundle whose
 * inputs are unchanged is copied from node_modules/.cache instead of rebuilt
 * (six people building at once on two cores made this matter).
 */
function bundleInputsHash(name) {
  const h = createHash("sha256");
  h.update(JSON.stringify(NCC_OPTIONS));
  h.update(readFileSync(join(root, "package-lock.json")));
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) visit(join(dirname(file), m[1]));
  };
  visit(join(root, "dist/actions", `${name}.js`));
  for (const f of [...seen].sort()) h.update(relative(root, f)).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex").slice(0, 32);
}

async function bundleOne(name) {
  const outDir = join(root, "actions", name, "dist");
  const cacheDir = join(root, "node_modules/.cache/infx-ncc", `${name}-${bundleInputsHash(name)}`);
  rmSync(outDir, { recursive: true, force: true });
  if (existsSync(join(cacheDir, "index.js"))) {
    cpSync(cacheDir, outDir, { recursive: true });
    process.stdout.write(`bundled actions/${name}/dist/index.js (unchanged inputs, from cache)\n`);
    return;
  }
  const ncc = (await import("@vercel/ncc")).default;
  mkdirSync(outDir, { recursive: true });
  const { code, assets } = await ncc(join(root, "dist/actions", `${name}.js`), NCC_OPTIONS);
  writeFileSync(join(outDir, "index.js"), code);
  for (const [file, asset] of Object.entries(assets ?? {})) {
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    writeFileSync(join(outDir, file), asset.source);
  }
  const tmp = `${cacheDir}.tmp-${process.pid}`;
  cpSync(outDir, tmp, { recursive: true });
  try {
    renameSync(tmp, cacheDir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another build cached the same inputs first
  }
  process.stdout.write(`bundled actions/${name}/dist/index.js (${(statSync(join(outDir, "index.js")).size / 1024).toFixed(0)} KiB)\n`);
}

const oneIdx = process.argv.indexOf("--bundle-one");
if (oneIdx >= 0) {
  await bundleOne(process.argv[oneIdx + 1]);
  process.exit(0);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)],
  );
}

function snapshot(paths) {
  const m = new Map();
  for (const p of paths) for (const f of listFiles(join(root, p))) m.set(relative(root, f), readFileSync(f));
  return m;
}

const actionNames = existsSync(join(root, "src/actions"))
  ? readdirSync(join(root, "src/actions")).filter((f) => f.endsWith(".ts") && !f.startsWith("_")).map((f) => f.slice(0, -3))
  : [];
const outputs = [...actionNames.map((a) => `actions/${a}/dist`)];
const before = check ? snapshot(outputs) : null;

rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
chmodSync(join(root, "dist/cli/infx.js"), 0o755);

if (actionNames.length) {
  const queue = [...actionNames];
  const workers = Math.max(1, Math.min(queue.length, availableParallelism(), 4));
  const failures = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const code = await new Promise((res) => {
          const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--bundle-one", name], { stdio: "inherit" });
          child.on("close", res);
        });
        if (code !== 0) failures.push(name);
      }
    }),
  );
  if (failures.length) {
    process.stderr.write(`bundling failed for: ${failures.join(", ")}\n`);
    process.exit(1);
  }
}

if (check) {
  const after = snapshot(outputs);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => !before.get(k)?.equals(after.get(k) ?? Buffer.alloc(0)) || !after.has(k));
  if (changed.length) {
    process.stderr.write(`committed build outputs are stale (run 'npm run build' and commit):\n${changed.map((c) => `  ${c}\n`).join("")}`);
    process.exit(1);
  }
  process.stdout.write("build outputs are fresh\n");
}
