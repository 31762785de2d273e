/**
 * Matrix entries: the contract between the planner, the workflows (which
 * export them as environment variables) and the results pipeline. Field names
 * and values are the reference planner's, byte for byte.
 */
export function isMultiNode(e) {
    return "prefill" in e;
}
