/**
 * The `random` dataset: prompts are lists of random token ids, so a server
 * that accepts `prompt: [ids...]` (vLLM, SGLang) sees exactly the intended
 * input length without a tokenizer. Lengths are uniform in
 * `[floor(L * range_ratio), L]` (at least 1), input and output drawn
 * independently, all from `seed`. Token ids are generated per request when it
 * is sent (see `promptTokens`), so a large dataset costs only its lengths.
 */
import { rng, uniformInt } from "./random.js";

export interface BenchRequest {
  /** Position in the dataset (warm-ups are numbered separately). */
  index: number;
  promptLen: number;
  outputLen: number;
}

export interface RandomDatasetOptions {
  numPrompts: number;
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  seed: number;
}

/** The length range `[floor(L * r), L]`, never below 1. */
export function lengthRange(len: number, ratio: number): [number, number] {
  return [Math.max(1, Math.floor(len * ratio)), Math.max(1, len)];
}

export function randomDataset(o: RandomDatasetOptions): BenchRequest[] {
  if (!(o.rangeRatio >= 0 && o.rangeRatio <= 1)) throw new RangeError(`--random-range-ratio must be in [0, 1], got ${o.rangeRatio}`);
  const inNext = rng(o.seed);
  const outNext = rng(o.seed + 0x10001);
  const [inLo, inHi] = lengthRange(o.inputLen, o.rangeRatio);
  const [outLo, outHi] = lengthRange(o.outputLen, o.rangeRatio);
  const inputs = Array.from({ length: o.numPrompts }, () => uniformInt(inNext, inLo, inHi));
  return inputs.map((promptLen, index) => ({ index, promptLen, outputLen: uniformInt(outNext, outLo, outHi) }));
}

/** The prompt token ids of request `index`: `len` ids in `[0, vocabSize)`, from (seed, index). */
export function promptTokens(seed: number, index: number, len: number, vocabSize: number): number[] {
  const next = rng((seed * 1_000_003 + index * 7919 + 17) >>> 0);
  const ids = new Array<number>(len);
  for (let i = 0; i < len; i++) ids[i] = Math.floor(next() * vocabSize);
  return ids;
}
