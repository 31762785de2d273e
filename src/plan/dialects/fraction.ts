/** Exact non-negative rationals on BigInt, for decimal arithmetic the reference does with Python's Decimal. */
export class Fraction {
  constructor(
    readonly num: bigint,
    readonly den: bigint = 1n,
  ) {
    if (den === 0n) throw new RangeError("division by zero");
  }

  /** A decimal text as written (`0.80`, `1`, `9.5e-1`), exactly. */
  static fromDecimal(text: string): Fraction {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new RangeError(`not a decimal number: '${text}'`);
    const frac = m[3] ?? "";
    let num = BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n);
    let den = 10n ** BigInt(frac.length);
    const exp = Number(m[4] ?? 0);
    if (exp > 0) num *= 10n ** BigInt(exp);
    else if (exp < 0) den *= 10n ** BigInt(-exp);
    return new Fraction(num, den);
  }

  times(o: Fraction): Fraction {
    return new Fraction(this.num * o.num, this.den * o.den);
  }

  div(d: bigint): Fraction {
    return new Fraction(this.num, this.den * d);
  }

  /** Rounds toward zero (Python's int() of a Decimal). */
  floor(): bigint {
    return this.num / this.den;
  }
}
