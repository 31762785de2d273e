function checkScores(v, at, errors) {
    const out = {};
    if (v === undefined || v === null)
        return out;
    if (typeof v !== "object" || Array.isArray(v)) {
        errors.push(`${at}: must be a mapping of task: minimum score`);
        return out;
    }
    for (const [task, score] of Object.entries(v)) {
        if (typeof score !== "number" || score < 0 || score > 1)
            errors.push(`${at}.${task}: must be a number from 0 to 1, got ${JSON.stringify(score)}`);
        else
            out[task] = score;
    }
    return out;
}
/** Validates a parsed thresholds document; returns the thresholds or every error (with its path). */
export function parseThresholds(doc) {
    const errors = [];
    if (typeof doc !== "object" || doc === null || Array.isArray(doc))
        return { ok: false, errors: ["the file must be a mapping with 'default' and/or 'models'"] };
    const d = doc;
    for (const k of Object.keys(d))
        if (k !== "default" && k !== "models")
            errors.push(`${k}: unknown key (allowed: default, models)`);
    const value = { default: checkScores(d.default, "default", errors), models: {} };
    if (d.models !== undefined && d.models !== null) {
        if (typeof d.models !== "object" || Array.isArray(d.models))
            errors.push("models: must be a mapping of model: {task: minimum score}");
        else
            for (const [model, scores] of Object.entries(d.models))
                value.models[model] = checkScores(scores, `models.${model}`, errors);
    }
    return errors.length ? { ok: false, errors } : { ok: true, value };
}
export function thresholdFor(t, row) {
    return t.models[row.model]?.[row.task] ?? (row.model_prefix ? t.models[row.model_prefix]?.[row.task] : undefined) ?? t.default[row.task];
}
/** Marks each gated row with `threshold` and `passed`; returns the number of failing rows. */
export function applyThresholds(rows, t) {
    let failed = 0;
    for (const row of rows) {
        const min = thresholdFor(t, row);
        if (min === undefined)
            continue;
        row.threshold = min;
        row.passed = row.score >= min;
        if (!row.passed)
            failed++;
    }
    return failed;
}
