/**
 * The launch script of every runner node: the workflow templates run
 * `runners/launch_<cluster>.sh` where the cluster is the runner's name before
 * the first `_` (runners/README.md). `missingLaunchScripts` lists the nodes of
 * a runner map whose script is absent or not executable.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";

/** `b200-lab_0` -> `b200-lab` (the whole name when it has no `_`). */
export function clusterOf(node: string): string {
  const i = node.indexOf("_");
  return i < 0 ? node : node.slice(0, i);
}

export function launchScriptOf(node: string): string {
  return `launch_${clusterOf(node)}.sh`;
}

/** One message per cluster whose script is missing or not executable, naming its nodes and runner types. */
export function missingLaunchScripts(runners: Record<string, readonly string[]>, runnersDir: string, shownDir = "runners"): string[] {
  const byCluster = new Map<string, { nodes: Set<string>; types: Set<string> }>();
  for (const [type, nodes] of Object.entries(runners)) {
    for (const node of nodes) {
      const c = clusterOf(node);
      const slot = byCluster.get(c) ?? { nodes: new Set(), types: new Set() };
      slot.nodes.add(node);
      slot.types.add(type);
      byCluster.set(c, slot);
    }
  }
  const out: string[] = [];
  for (const [cluster, { nodes, types }] of [...byCluster].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const script = join(runnersDir, `launch_${cluster}.sh`);
    const shown = `${shownDir}/launch_${cluster}.sh`;
    const who = `node${nodes.size === 1 ? "" : "s"} ${[...nodes].join(", ")} (runner type${types.size === 1 ? "" : "s"} ${[...types].join(", ")})`;
    if (!existsSync(script)) {
      out.push(
        `${who}: no launch script ${shown}; copy ${shownDir}/launch_dockerhost.sh or ${shownDir}/launch_slurm.sh to that name and adapt it (docs/bring-up.md)`,
      );
      continue;
    }
    try {
      accessSync(script, constants.X_OK);
    } catch {
      out.push(`${who}: ${shown} is not executable; run chmod +x ${shown}`);
    }
  }
  return out;
}
