/** Helpers for parsing the words of a `balance` line: calls like `hdr(host)`, numbers, no-argument algorithms. */
import type { NoParams, ParamsResult } from "./types.ts";

/** `word` split as `name` or `name(arg)`; null when its parentheses are unbalanced or misplaced. */
export function splitCall(word: string): { name: string; arg: string | undefined } | null {
  const open = word.indexOf("(");
  if (open < 0) return word.includes(")") ? null : { name: word, arg: undefined };
  if (open === 0 || !word.endsWith(")")) return null;
  const arg = word.slice(open + 1, -1);
  if (arg.includes("(") || arg.includes(")")) return null;
  return { name: word.slice(0, open), arg };
}

/** The whole number `text` spells (digits only), or null. */
export function wholeNumber(text: string | undefined): number | null {
  if (text === undefined || !/^[0-9]{1,9}$/.test(text)) return null;
  return Number(text);
}

/** The `parse` of an algorithm that takes no argument and no option. */
export function noParams(name: string) {
  return (arg: string | undefined, words: readonly string[]): ParamsResult<NoParams> => {
    if (arg !== undefined) return { ok: false, error: `${name} takes no argument, got "(${arg})"` };
    if (words.length > 0) return { ok: false, error: `${name} takes no option, got "${words[0]}"` };
    return { ok: true, params: {} };
  };
}

/** A failed parse. */
export function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
