// Builds the committed outputs, deterministically:
//   dist/            tsc output of src/ (the `infx` bin runs from here after `npm ci`)
//   actions/*/dist/  one ncc bundle per action entry in src/actions/<name>.ts
// `node scripts/build.mjs --check` rebuilds into a temp dir and fails when the
// committed files differ (the freshness check CI runs).
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

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
const outputs = ["dist", ...actionNames.map((a) => `actions/${a}/dist`)];
const before = check ? snapshot(outputs) : null;

rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
chmodSync(join(root, "dist/cli/infx.js"), 0o755);

if (actionNames.length) {
  const ncc = (await import("@vercel/ncc")).default;
  for (const name of actionNames) {
    const outDir = join(root, "actions", name, "dist");
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const { code, assets } = await ncc(join(root, "dist/actions", `${name}.js`), {
      minify: false,
      sourceMap: false,
      quiet: true,
      target: "es2022",
    });
    writeFileSync(join(outDir, "index.js"), code);
    for (const [file, asset] of Object.entries(assets ?? {})) {
      mkdirSync(dirname(join(outDir, file)), { recursive: true });
      writeFileSync(join(outDir, file), asset.source);
    }
    process.stdout.write(`bundled actions/${name}/dist/index.js (${(statSync(join(outDir, "index.js")).size / 1024).toFixed(0)} KiB)\n`);
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
