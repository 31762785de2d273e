// Builds the outputs, deterministically:
//   dist/          tsc output of src/ (the `infx` bin runs from here; made by `npm ci`, not committed)
//   actions/dist/  one esbuild build of every action entry src/actions/<name>.ts, split
//                  into chunks so that code the actions share is written once: <name>.js
//                  per action, chunk and lazily loaded files (committed)
//   actions/<name>/dist/index.js  the action's one-line entry, `runs.main` of its
//                  action.yml: it imports ../../dist/<name>.js (committed)
//   actions/package.json  {"type":"module"}: node runs these .js files as ES modules
// `node scripts/build.mjs --check` builds the action files in memory (no tsc)
// and fails when the committed ones differ (the freshness check CI runs).
// `--actions-only` leaves dist/ alone; `--metafile FILE` also writes esbuild's account of what went where.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const actionsOnly = process.argv.includes("--actions-only");
const actionsDir = join(root, "actions");
const MODULE_PACKAGE = '{\n  "type": "module"\n}\n';

/**
 * A lazy require (`const require = createRequire(import.meta.url)` then
 * `require("yaml")` where it is needed: src/config/load.ts, locate.ts) keeps a
 * package off the start-up path of the CLI. In the bundle such a package
 * becomes a CommonJS file of its own, actions/dist/<package>.cjs, and the call
 * `require("./<package>.cjs")`, resolved beside the chunk when it runs (each
 * file's banner defines `require`): still loaded on first use only.
 */
const lazyPackages = new Set();
const lazyFile = (pkg) => `${pkg.replace("/", "+")}.cjs`;
const lazyRequires = {
  name: "lazy-requires",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!relative(root, args.path).startsWith(`src${sep}`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("createRequire(import.meta.url)")) return undefined;
      const contents = text.replace(/^const require = createRequire\(import\.meta\.url\);$/m, "").replace(/\brequire\("([^"./][^"]*)"\)/g, (_, pkg) => {
        lazyPackages.add(pkg);
        return `require("lazy-package:${pkg}")`;
      });
      if (contents.includes("createRequire(import.meta.url)"))
        throw new Error(
          `${relative(root, args.path)}: write a lazy require as 'const require = createRequire(import.meta.url);' on a line of its own (scripts/build.mjs bundles only that form)`,
        );
      return { contents, loader: "ts" };
    });
    build.onResolve({ filter: /^lazy-package:/ }, (args) => ({ path: `./${lazyFile(args.path.slice("lazy-package:".length))}`, external: true }));
  },
};

/**
 * @actions/core imports, when it loads, its OIDC client (for getIDToken:
 * @actions/http-client, which loads all of undici) and its runner-platform
 * probe (`platform`: @actions/exec): more than twice the start-up of a bare node.
 * No action uses either (src/actions/lib/main.ts imports core's functions by
 * name), so these two files are marked free of side effects and esbuild leaves
 * them out; everything the actions call is core's own code.
 */
const skipUnusedCoreParts = {
  name: "skip-unused-core-parts",
  setup(build) {
    build.onResolve({ filter: /^\.\/(oidc-utils|platform)\.js$/ }, async (args) => {
      if (args.pluginData?.inner || !/[\\/]@actions[\\/]core[\\/]lib[\\/]/.test(args.importer)) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
      return { path: resolved.path, sideEffects: false };
    });
  },
};

const actionNames = readdirSync(join(root, "src/actions"))
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();

/**
 * One build of every action (from the TypeScript sources; esbuild only strips
 * types, `tsc` checks them). Dynamic imports (the artifact client, Octokit, a
 * command's GitHub calls) become chunks of their own, loaded on first use.
 * Minified, no source maps, licence comments kept at the end of each file.
 * CommonJS dependencies that `require` node's built-ins get a real `require`.
 */
/**
 * Worker threads the actions start, built beside the chunks under the names the
 * code asks for (`loadRunsInParallel` and `curveStats` look for load-worker.js
 * and curve-worker.js next to themselves).
 */
const WORKER_ENTRIES = { "load-worker": "src/compare/load-worker.ts", "curve-worker": "src/compare/curve-worker.ts" };

async function buildActions() {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { ...Object.fromEntries(actionNames.map((n) => [n, `src/actions/${n}.ts`])), ...WORKER_ENTRIES },
    outdir: join(actionsDir, "dist"),
    chunkNames: "[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    legalComments: "eof",
    // (paths, which the chunk hashes include, as seen from the repository even where node_modules is a symlink)
    preserveSymlinks: true,
    banner: { js: 'import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);' },
    plugins: [lazyRequires, skipUnusedCoreParts],
    write: false,
    metafile: true,
    logLevel: "warning",
  });
  const files = new Map(result.outputFiles.map((f) => [relative(root, f.path), Buffer.from(f.contents)]));
  for (const pkg of [...lazyPackages].sort()) {
    const lib = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [pkg],
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      minify: true,
      legalComments: "eof",
      preserveSymlinks: true,
      write: false,
      logLevel: "warning",
    });
    files.set(`actions/dist/${lazyFile(pkg)}`, Buffer.from(lib.outputFiles[0].contents));
  }
  for (const [name, bytes] of chartLibraryFiles()) files.set(`actions/dist/vendor/${name}`, bytes);
  for (const n of actionNames) files.set(`actions/${n}/dist/index.js`, Buffer.from(entryStub(n)));
  files.set("actions/package.json", Buffer.from(MODULE_PACKAGE));
  return { files, metafile: result.metafile };
}

/**
 * The report's chart library (see `loadChartLibrary` in src/report/vendor.ts): its minified
 * browser builds are inlined into report.html at run time, so the collect action ships them in
 * actions/dist/vendor/ beside the chunks.
 */
function chartLibraryFiles() {
  const plotDir = join(root, "node_modules/@observablehq/plot");
  const version = JSON.parse(readFileSync(join(plotDir, "package.json"), "utf8")).version;
  return [
    ["d3.min.js", readFileSync(join(root, "node_modules/d3/dist/d3.min.js"))],
    ["plot.umd.min.js", readFileSync(join(plotDir, "dist/plot.umd.min.js"))],
    ["VERSION", Buffer.from(`${version}\n`)],
  ];
}

/** An action's committed entry: the runner runs actions/<name>/dist/index.js (its action.yml's `runs.main`). */
function entryStub(name) {
  return `// actions/${name}: built by scripts/build.mjs from src/actions/${name}.ts; the code is in actions/dist/.\nimport "../../dist/${name}.js";\n`;
}

/** Bytes each entry loads before it runs: the entry and the chunks it imports statically (not the dynamic ones). */
function startupBytes(metafile) {
  const outs = metafile.outputs;
  const sizes = new Map();
  for (const [file, out] of Object.entries(outs)) {
    const name = /^src\/actions\/([^/]+)\.ts$/.exec(out.entryPoint ?? "")?.[1];
    if (!name) continue;
    const seen = new Set();
    const visit = (f) => {
      if (seen.has(f) || !outs[f]) return;
      seen.add(f);
      for (const i of outs[f].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(file);
    sizes.set(
      name,
      [...seen].reduce((s, f) => s + outs[f].bytes, 0),
    );
  }
  return sizes;
}

/** The committed action JavaScript: actions/dist/, actions/<name>/dist/, actions/package.json. */
function committedFiles() {
  const out = new Map();
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p));
    }
  };
  walk(join(actionsDir, "dist"));
  for (const d of readdirSync(actionsDir, { withFileTypes: true })) if (d.isDirectory()) walk(join(actionsDir, d.name, "dist"));
  if (existsSync(join(actionsDir, "package.json"))) out.set("actions/package.json", readFileSync(join(actionsDir, "package.json")));
  return out;
}

const started = performance.now();
const { files: built, metafile } = await buildActions();
const metaIdx = process.argv.indexOf("--metafile"); // esbuild's metafile, for https://esbuild.github.io/analyze/
if (metaIdx > 0) writeFileSync(process.argv[metaIdx + 1], JSON.stringify(metafile));
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const total = [...built.values()].reduce((s, b) => s + b.length, 0);

if (check) {
  const committed = committedFiles();
  const changed = [...new Set([...committed.keys(), ...built.keys()])]
    .sort()
    .filter((k) => !committed.get(k)?.equals(built.get(k) ?? Buffer.alloc(0)) || !built.has(k));
  if (changed.length) {
    process.stderr.write(`committed action bundles are stale (run 'npm run build' and commit actions/):\n${changed.map((c) => `  ${c}\n`).join("")}`);
    process.exit(1);
  }
  process.stdout.write(`action bundles are fresh: ${built.size} files, ${kib(total)} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
} else {
  if (!actionsOnly) {
    rmSync(join(root, "dist"), { recursive: true, force: true });
    execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
    chmodSync(join(root, "dist/cli/infx.js"), 0o755);
  }
  for (const f of committedFiles().keys()) rmSync(join(root, f));
  rmSync(join(actionsDir, "dist"), { recursive: true, force: true });
  for (const [f, bytes] of built) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), bytes);
  }
  const entries = actionNames.map((n) => `actions/${n}/dist/index.js`);
  process.stdout.write(
    `built ${actionsOnly ? "" : "dist/ and "}${entries.length} actions (actions/dist/: ${built.size - entries.length - 1} files): ${kib(total)}\n`,
  );
  for (const [name, bytes] of [...startupBytes(metafile)].sort()) process.stdout.write(`  actions/${name}: loads ${kib(bytes)} at start\n`);
}
