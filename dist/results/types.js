/**
 * Row shapes of the public artifacts: `agg_bmk.json` (artifact `results_bmk`,
 * one {@link AggRow} per benchmark job and concurrency) and `agg_eval_all.json`
 * (artifact `eval_results_all`, one {@link EvalRow} per eval task run). Users
 * read these with jq, so field names and value types are a contract.
 */
export function isMultiNodeRow(row) {
    return row.is_multinode === true;
}
/** Number of GPUs a row's throughput was divided by (TP for single node, prefill + decode GPUs for multi-node). */
export function gpuCount(row) {
    return isMultiNodeRow(row) ? row.num_prefill_gpu + row.num_decode_gpu : row.tp;
}
/** `1k1k`, `1k8k`, `8k1k`, or `<isl>_<osl>` for other lengths (the reference's naming). */
export function seqLenName(isl, osl) {
    const key = `${isl}/${osl}`;
    return key === "1024/1024" ? "1k1k" : key === "1024/8192" ? "1k8k" : key === "8192/1024" ? "8k1k" : `${isl}_${osl}`;
}
