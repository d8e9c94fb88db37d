/** Splits a sample expression word (`hdr(host,1),lower,regsub(^www\.,)`) into named steps with arguments. */
import { fail } from "./_fail.ts";
import type { Word } from "./tokenize.ts";

/** An argument's text (unquoted) and the column where it starts. */
export interface Arg {
  text: string;
  column: number;
}

/** A fetch or converter keyword with its arguments, as written. */
export interface Step {
  name: string;
  column: number;
  args: Arg[];
}

const NAME = /^[A-Za-z0-9_.]+/;
const ESCAPABLE = ",()\\\"'";

/**
 * Reads `name[(args)][,name[(args)]]...`. Arguments are split on commas outside quotes and nested
 * parentheses (so a regex's `(a|b)` needs no escaping); inside them `"..."` and `'...'` quote, and
 * a backslash escapes `, ( ) \ " '` (before anything else it stays, for regexes). `name()` has no
 * arguments.
 */
export function parseExpression(word: Word): Step[] {
  const s = word.text;
  const steps: Step[] = [];
  let i = 0;
  for (;;) {
    const m = NAME.exec(s.slice(i));
    if (!m) {
      const what = i >= s.length ? "a keyword" : `a keyword, not "${s[i]}"`;
      fail(`expected ${what} in sample expression "${s}"`, s, word.column + i);
    }
    const step: Step = { name: m[0], column: word.column + i, args: [] };
    steps.push(step);
    i += m[0].length;
    if (s[i] === "(") i = readArgs(s, i + 1, word.column, step);
    if (i >= s.length) return steps;
    if (s[i] !== ",") {
      fail(`unexpected "${s[i]}" after "${step.name}" in "${s}"`, s, word.column + i);
    }
    i++;
  }
}

/** Reads arguments from just after "(" to the matching ")"; returns the index after it. */
function readArgs(s: string, i: number, base: number, step: Step): number {
  const open = i - 1;
  let text = "";
  let at = i;
  let depth = 0;
  let quote = "";
  const push = () => {
    step.args.push({ text, column: base + at });
    text = "";
  };
  for (; i < s.length; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (c === "\\" && next !== undefined && ESCAPABLE.includes(next)) {
      text += next;
      i++;
    } else if (quote !== "") {
      if (c === quote) quote = "";
      else text += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "(") {
      depth++;
      text += c;
    } else if (c === ")" && depth > 0) {
      depth--;
      text += c;
    } else if (c === ")") {
      if (step.args.length > 0 || text !== "" || i > open + 1) push();
      return i + 1;
    } else if (c === "," && depth === 0) {
      push();
      at = i + 1;
    } else {
      text += c;
    }
  }
  return fail(`missing ")" after the arguments of "${step.name}"`, s, base + open);
}
