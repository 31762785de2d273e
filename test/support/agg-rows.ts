/** The non-metric fields of a valid single-node aggregate row (as `infx collect` writes it), for tests to add metrics to. */
export const SINGLE_NODE_ROW: Readonly<Record<string, unknown>> = {
  hw: "b200",
  conc: 8,
  image: "img:1",
  model: "org/model",
  infmax_model_prefix: "dsr1",
  framework: "sglang",
  precision: "fp8",
  spec_decoding: "none",
  disagg: false,
  isl: 1024,
  osl: 1024,
  is_multinode: false,
  tp: 8,
  ep: 1,
  dp_attention: "false",
};

/** The fields that make a valid single-node row a multi-node one (prefill/decode shape), for tests to spread over SINGLE_NODE_ROW. */
export const MULTI_NODE_SHAPE: Readonly<Record<string, unknown>> = {
  is_multinode: true,
  disagg: true,
  prefill_tp: 4,
  prefill_ep: 4,
  prefill_num_workers: 1,
  prefill_dp_attention: "true",
  decode_tp: 8,
  decode_ep: 8,
  decode_num_workers: 2,
  decode_dp_attention: "false",
  num_prefill_gpu: 4,
  num_decode_gpu: 16,
};

/** A valid single-node aggregate row with every compared metric, varied by `i` (hardware, concurrency, values), for the row readers' tests. */
export function numberedAggRow(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...SINGLE_NODE_ROW,
    hw: ["b200", "h200", "mi355x"][i % 3],
    conc: 2 ** (i % 8),
    osl: 8192,
    tput_per_gpu: 1000 + i * 0.123456789012345,
    output_tput_per_gpu: 400.5 + i,
    input_tput_per_gpu: 599.5,
    median_ttft: 0.07359583526604434 * (i + 1),
    p99_ttft: 0.1,
    median_tpot: 0.011749137119976868,
    median_intvty: 85.11263336093985,
    median_e2el: 12.1,
    date: `2026030${i % 9}-120000`,
    ...extra,
  };
}
