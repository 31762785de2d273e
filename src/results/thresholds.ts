/**
 * The accuracy gate: minimum eval scores per task, optionally per model.
 *
 * ```yaml
 * default:            # every model
 *   gsm8k: 0.90
 * models:
 *   gptoss:           # a model prefix or a full model name
 *     gsm8k: 0.92
 * ```
 *
 * The rule `thresholdFor`: the model's own minimum for the task (by full model
 * name, then by model prefix) wins over the default; a task with neither is
 * not gated.
 */
import type { EvalRow } from "./types.js";

export interface Thresholds {
  default: Record<string, number>;
  models: Record<string, Record<string, number>>;
}

function checkScores(v: unknown, at: string, errors: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (v === undefined || v === null) return out;
  if (typeof v !== "object" || Array.isArray(v)) {
    errors.push(`${at}: must be a mapping of task: minimum score`);
    return out;
  }
  for (const [task, score] of Object.entries(v)) {
    if (typeof score !== "number" || score < 0 || score > 1) errors.push(`${at}.${task}: must be a number from 0 to 1, got ${JSON.stringify(score)}`);
    else out[task] = score;
  }
  return out;
}

/** Validates a parsed thresholds document; returns the thresholds or every error (with its path). */
export function parseThresholds(doc: unknown): { ok: true; value: Thresholds } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    return { ok: false, errors: ["the file must be a mapping with 'default' and/or 'models'"] };
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (k !== "default" && k !== "models") errors.push(`${k}: unknown key (allowed: default, models)`);
  const value: Thresholds = { default: checkScores(d.default, "default", errors), models: {} };
  if (d.models !== undefined && d.models !== null) {
    if (typeof d.models !== "object" || Array.isArray(d.models)) errors.push("models: must be a mapping of model: {task: minimum score}");
    else for (const [model, scores] of Object.entries(d.models)) value.models[model] = checkScores(scores, `models.${model}`, errors);
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

export function thresholdFor(t: Thresholds, row: Pick<EvalRow, "model" | "model_prefix" | "task">): number | undefined {
  return t.models[row.model]?.[row.task] ?? (row.model_prefix ? t.models[row.model_prefix]?.[row.task] : undefined) ?? t.default[row.task];
}

/** Marks each gated row with `threshold` and `passed`; returns the number of failing rows. */
export function applyThresholds(rows: EvalRow[], t: Thresholds): number {
  let failed = 0;
  for (const row of rows) {
    const min = thresholdFor(t, row);
    if (min === undefined) continue;
    row.threshold = min;
    row.passed = row.score >= min;
    if (!row.passed) failed++;
  }
  return failed;
}
