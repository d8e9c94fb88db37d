/** HAProxy log-format strings for rule arguments: `%[fetch,conv]` samples inside plain text, `%%` a percent sign. */
import { fail, RuleFailure } from "../_fail.ts";
import { compileSample } from "../sample.ts";
import type { Word } from "../tokenize.ts";
import type { Need, SampleContext } from "../types.ts";
import { varText } from "../_prepare.ts";
import { hostname } from "node:os";
import process from "node:process";

/** A compiled log-format string and what its samples read. */
export interface LogFormat {
  /** True when the string has no sample: `text` is its value. */
  readonly constant: boolean;
  readonly text: string;
  readonly needs: readonly { fetch: string; needs: Need; column: number }[];
  render(ctx: SampleContext): string;
}

/**
 * Compiles `word` as a log-format string: `%[expr]` is a sample expression (a missing value gives
 * ""), `%%` is "%", anything else is literal text. Throws a RuleFailure pointing into the word.
 */
export function compileLogFormat(word: Word): LogFormat {
  const s = word.text;
  const parts: (string | ((ctx: SampleContext) => string))[] = [];
  const needs: { fetch: string; needs: Need; column: number }[] = [];
  let lit = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === "%" && s[i + 1] === "%") {
      lit += "%";
      i += 2;
    } else if (c === "%" && s[i + 1] === "[") {
      const end = closing(s, i + 2);
      if (end < 0) fail(`missing "]" after "%["`, word.text, word.column + i);
      const column = word.column + i + 2;
      const r = compileSample({ text: s.slice(i + 2, end), column });
      if (!r.ok) throw new RuleFailure(r.error);
      const sample = r.sample;
      needs.push({ fetch: sample.fetch, needs: sample.needs, column: sample.column });
      if (lit !== "") parts.push(lit);
      lit = "";
      parts.push((ctx) => text(sample.value(ctx)));
      i = end + 1;
    } else if (c === "%" && /[A-Za-z{]/.test(s[i + 1] ?? "")) {
      const m = /^%(?:\{[^}]*\})?([A-Za-z]+)/.exec(s.slice(i));
      if (!m) fail(`missing "}" after "%{"`, word.text, word.column + i);
      const v = VARIABLES[m[1]!];
      if (!v) {
        fail(
          `unknown log-format variable "%${m[1]}"`,
          word.text,
          word.column + i,
          `known here: ${
            Object.keys(VARIABLES).map((k) => "%" + k).join(" ")
          }; %[fetch] for samples`,
        );
      }
      needs.push({ fetch: "%" + m[1], needs: "l4", column: word.column + i });
      if (lit !== "") parts.push(lit);
      lit = "";
      parts.push(v);
      i += m[0].length;
    } else {
      lit += c;
      i++;
    }
  }
  if (lit !== "") parts.push(lit);
  const constant = parts.every((p) => typeof p === "string");
  const whole = constant ? parts.join("") : "";
  return {
    constant,
    text: word.text,
    needs,
    render: constant ? () => whole : (ctx) => {
      let out = "";
      for (const p of parts) out += typeof p === "string" ? p : p(ctx);
      return out;
    },
  };
}

/** Log-format variables a rule value may use (HAProxy's `%ci`...): the connection and proxy names. */
const VARIABLES: Record<string, (ctx: SampleContext) => string> = {
  ci: (ctx) => ctx.src,
  cp: (ctx) => String(ctx.srcPort),
  fi: (ctx) => ctx.dst,
  fp: (ctx) => String(ctx.dstPort),
  f: (ctx) => ctx.feName,
  b: (ctx) => ctx.beName,
  H: () => hostname(),
  pid: () => String(process.pid),
};

/** The index of the `]` closing a `%[` (brackets inside parentheses do not count), or -1. */
function closing(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "]" && depth <= 0) return i;
  }
  return -1;
}

function text(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  return varText(v) ?? String(v);
}
