// Synthetic aggregate rows for the report's tests and bench: n rows spread over
// models and sequence lengths (one chart each), 16-20 series per chart
// (hardware x framework x precision, multi-node for gb200) and many
// configurations per series (TP, EP, DP attention, image) x concurrency, with
// throughput per GPU falling and latency rising with concurrency as on real
// engines. Deterministic for a given seed.
const MODELS = ["dsr1", "gptoss", "llama70b"];
const LENS = [
  [1024, 1024],
  [1024, 8192],
  [8192, 1024],
];
const HW = ["h200", "b200", "mi355x", "gb200"];
const FW = ["sglang", "vllm"];
const PREC = ["fp8", "fp4"];
const TP = [1, 2, 4, 8];
const CONC = [4, 8, 16, 32, 64, 128, 256, 512];

/** @returns {import("../src/results/types.js").AggRow[]} */
export function syntheticRows(n, opts = {}) {
  let s = opts.seed ?? 1;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / CONC.length);
    const conc = CONC[i % CONC.length];
    const model = MODELS[k % MODELS.length];
    const [isl, osl] = LENS[Math.floor(k / 3) % LENS.length];
    const hw = HW[Math.floor(k / 9) % HW.length];
    const fw = FW[Math.floor(k / 36) % FW.length];
    const precision = PREC[Math.floor(k / 72) % PREC.length];
    const tp = TP[Math.floor(k / 144) % TP.length];
    const variant = Math.floor(k / 576);
    const multi = hw === "gb200" && tp === 8;
    const base = 400 * (1 + (HW.indexOf(hw) + 1) * 0.3) * (precision === "fp4" ? 1.6 : 1) * (fw === "vllm" ? 0.9 : 1) * (1 + (variant % 7) * 0.02);
    const tpot = (8 + (conc * 0.12 * (1 + rnd() * 0.2) * Math.sqrt(tp)) / 2) / 1000;
    const ttft = (40 + conc * 2 * (1 + rnd())) / 1000;
    const tput = (base * Math.log2(conc + 1) * (0.9 + rnd() * 0.2)) / Math.sqrt(tp);
    const e2el = ttft + tpot * osl;
    const common = {
      hw,
      conc,
      image: `${fw === "vllm" ? "vllm/vllm-openai" : "lmsysorg/sglang"}:v0.${5 + (variant % 9)}.${variant % 3}`,
      model: `org/${model}`,
      infmax_model_prefix: model,
      framework: fw,
      precision,
      spec_decoding: "none",
      disagg: multi,
      isl,
      osl,
      tput_per_gpu: tput,
      output_tput_per_gpu: (tput * osl) / (isl + osl),
      input_tput_per_gpu: (tput * isl) / (isl + osl),
      mean_ttft: ttft,
      median_ttft: ttft * 0.95,
      p99_ttft: ttft * 2.2,
      mean_tpot: tpot,
      median_tpot: tpot * 0.98,
      p99_tpot: tpot * 1.6,
      mean_itl: tpot,
      median_itl: tpot * 0.9,
      p99_itl: tpot * 3,
      mean_e2el: e2el,
      median_e2el: e2el * 0.97,
      p99_e2el: e2el * 1.5,
      mean_intvty: 1 / tpot,
      median_intvty: 1 / (tpot * 0.98),
      p99_intvty: 1 / (tpot * 1.6),
      ...(opts.server ? { server: opts.server } : {}),
    };
    rows.push(
      multi
        ? {
            ...common,
            is_multinode: true,
            prefill_tp: 4,
            prefill_ep: 4,
            prefill_dp_attention: "false",
            prefill_num_workers: 1 + (variant % 3),
            decode_tp: 8,
            decode_ep: 8,
            decode_dp_attention: "true",
            decode_num_workers: 2 + variant,
            num_prefill_gpu: 4 * (1 + (variant % 3)),
            num_decode_gpu: 8 * (2 + variant),
          }
        : { ...common, is_multinode: false, tp, ep: variant % 2 ? tp : 1, dp_attention: variant % 4 === 3 ? "true" : "false" },
    );
  }
  return rows;
}
