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
