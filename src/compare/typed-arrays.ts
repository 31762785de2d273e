/** Typed arrays that readers fill and grow. */

/** A copy of `a` in a bigger typed array of `size` elements (the growth of every array a reader fills). */
export function grown<T extends Uint8Array | Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a as never);
  return b;
}
