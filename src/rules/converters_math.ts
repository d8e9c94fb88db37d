/**
 * Integer converters (`add(3)`, `div(txn.n)`, `and(15)`, `neg`, `odd`, ...), with HAProxy's rules
 * for overflow and division by zero.
 *
 * HAProxy computes on signed 64-bit integers and saturates at ±(2^63 − 1); JavaScript numbers are
 * exact up to 2^53, so results here saturate at ±Number.MAX_SAFE_INTEGER (2^53 − 1) instead: the
 * same behaviour over the range where both are exact.
 */
import { intArg, varArg, varInt } from "./_prepare.ts";
import { type ConverterDef, defineConverter, type SampleContext } from "./types.ts";

const MAX = Number.MAX_SAFE_INTEGER;

/** An integer operand: a constant, or a variable read at run time. */
function operand(a: readonly string[]): number | string {
  const t = a[0]!;
  return /^[+-]?\d+$/.test(t) ? intArg(t, 0, "value") : varArg(t, 0);
}

function value(op: number | string, ctx: SampleContext): number | undefined {
  return typeof op === "number" ? op : varInt(ctx.vars.get(op));
}

/** Clamps to the exact range and turns -0 into 0 (it would print as "0" but compare apart). */
function saturate(n: number): number {
  return n > MAX ? MAX : n < -MAX ? -MAX : n === 0 ? 0 : n;
}

/** A converter of one integer operand; an unset or non-integer variable fails the sample. */
function binary(name: string, f: (a: number, b: number) => number): ConverterDef {
  return defineConverter({
    name,
    args: ["value"],
    in: "int",
    out: "int",
    prepare: operand,
    convert: (v, op, ctx) => {
      const b = value(op, ctx);
      return b === undefined ? undefined : saturate(f(v, b));
    },
  });
}

function unary(name: string, out: "int" | "bool", f: (a: number) => number | boolean) {
  return defineConverter({ name, args: [], in: "int", out, convert: (v) => f(v) });
}

const INT32 = 0x7fffffff;

/** A two's complement bitwise operation, on 32-bit integers natively and on 64-bit as BigInt. */
function bitwise(op: (a: bigint, b: bigint) => bigint, fast: (a: number, b: number) => number) {
  return (a: number, b: number): number => {
    if (Math.abs(a) <= INT32 && Math.abs(b) <= INT32) return fast(a, b);
    // Inputs within ±2^53 only differ from their sign above bit 53, so the result fits too.
    return Number(BigInt.asIntN(64, op(BigInt(a), BigInt(b))));
  };
}

/** The integer converters, by name. */
export const MATH_CONVERTERS: readonly ConverterDef[] = [
  binary("add", (a, b) => a + b),
  binary("sub", (a, b) => a - b),
  binary("mul", (a, b) => a * b),
  // As HAProxy: dividing by zero gives the largest integer, a modulo by zero gives 0; both truncate
  // toward zero, so the remainder has the sign of the dividend.
  binary("div", (a, b) => (b === 0 ? MAX : Math.trunc(a / b))),
  binary("mod", (a, b) => (b === 0 ? 0 : a % b)),
  binary("and", bitwise((a, b) => a & b, (a, b) => a & b)),
  binary("or", bitwise((a, b) => a | b, (a, b) => a | b)),
  binary("xor", bitwise((a, b) => a ^ b, (a, b) => a ^ b)),
  unary("neg", "int", (a) => saturate(-a)),
  // ~a is -a - 1 in two's complement, exact for any safe integer but -2^53 + 1 (clamped).
  unary("cpl", "int", (a) => saturate(-a - 1)),
  unary("bool", "bool", (a) => a !== 0),
  unary("not", "bool", (a) => a === 0),
  // The lowest bit of the two's complement: -3 is odd, as in HAProxy.
  unary("odd", "bool", (a) => Math.abs(a % 2) === 1),
  unary("even", "bool", (a) => a % 2 === 0),
];
