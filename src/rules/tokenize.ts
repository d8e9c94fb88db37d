/** HAProxy's word splitting for a config line: quotes, backslash escapes, comments, each word's column. */
import type { RuleError } from "./errors.ts";
import { attempt, fail } from "./_fail.ts";

/** One word of a line, unquoted and unescaped, with the 1-based column where it starts. */
export interface Word {
  text: string;
  column: number;
}

export interface TokenizeOptions {
  /**
   * Expands `$NAME`, `${NAME}` and `${NAME-default}` inside double quotes (HAProxy's weak quoting),
   * an unset variable giving "" (or the default). Without it, `$` is an ordinary character.
   */
  env?: (name: string) => string | undefined;
  /** The column of the line's first character, when the line is part of a longer one. Default 1. */
  column?: number;
}

/**
 * Splits a line into words as HAProxy's config parser does (section 2.2 of its manual):
 *
 * - unquoted, unescaped spaces and tabs separate words; `{`, `}`, `!`, `||` are ordinary words
 *   when written apart;
 * - `'...'` (strong quoting) keeps everything literally;
 * - `"..."` (weak quoting) keeps spaces and `'`, reads backslash escapes and, with `env`, expands
 *   variables;
 * - outside single quotes a backslash escapes a space, `\`, `#`, `'`, `"` (and `$` inside double
 *   quotes), writes `\t`, `\n`, `\r` and `\xNN`; before any other character it stays, so a regex's
 *   `\.` or `\d` reaches the regex unchanged;
 * - an unquoted, unescaped `#` starts a comment that runs to the end of the line;
 * - quoted parts join the text around them: `"a b"'c'd` is the one word `a bcd`; `""` is an
 *   empty word.
 *
 * @example
 * ```ts
 * tokenize(`acl api path_beg "/a b" '/c\\d'`); // words: acl api path_beg "/a b" "/c\\d"
 * ```
 */
export function tokenize(
  line: string,
  options: TokenizeOptions = {},
): { ok: true; words: Word[] } | { ok: false; error: RuleError } {
  const r = attempt(() => split(line, options));
  return r.ok ? { ok: true, words: r.value } : r;
}

function split(line: string, options: TokenizeOptions): Word[] {
  const base = (options.column ?? 1) - 1;
  const words: Word[] = [];
  let text = "";
  let start = -1;
  let quote = "";
  let quoteAt = 0;
  let i = 0;
  const end = () => {
    if (start >= 0) words.push({ text, column: base + start + 1 });
    text = "";
    start = -1;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = "";
      else text += c;
      i++;
      continue;
    }
    if (c === "\n" || c === "\r") break;
    if (c === "#" && quote === "") break;
    if (start < 0 && !isSpace(c)) start = i;
    if (c === '"' || (c === "'" && quote === "")) {
      if (quote === c) quote = "";
      else {
        quote = c;
        quoteAt = i;
      }
      i++;
    } else if (c === "\\") {
      i = escape(line, i, quote === '"' && options.env !== undefined, base, (s) => (text += s));
    } else if (isSpace(c) && quote === "") {
      end();
      while (i < line.length && isSpace(line[i]!)) i++;
    } else if (c === "$" && quote === '"' && options.env !== undefined) {
      i = expand(line, i, options.env, base, (s) => (text += s));
    } else {
      text += c;
      i++;
    }
  }
  if (quote !== "") fail("unterminated quote", quote, base + quoteAt + 1);
  end();
  return words;
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t";
}

/** Reads the escape at `i` (a backslash), emits its text and returns the index after it. */
function escape(
  line: string,
  i: number,
  dollar: boolean,
  base: number,
  emit: (s: string) => void,
): number {
  const next = line[i + 1];
  switch (next) {
    case " ":
    case "\\":
    case "#":
    case "'":
    case '"':
      emit(next);
      return i + 2;
    case "t":
      emit("\t");
      return i + 2;
    case "n":
      emit("\n");
      return i + 2;
    case "r":
      emit("\r");
      return i + 2;
    case "$":
      emit(dollar ? "$" : "\\$");
      return i + 2;
    case "x": {
      const hex = line.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        fail("invalid \\x escape (two hex digits expected)", line.slice(i, i + 4), base + i + 1);
      }
      emit(String.fromCharCode(parseInt(hex, 16)));
      return i + 4;
    }
    default:
      emit("\\");
      return i + 1;
  }
}

/** Expands the variable at `i` (a `$` inside double quotes); returns the index after it. */
function expand(
  line: string,
  i: number,
  env: (name: string) => string | undefined,
  base: number,
  emit: (s: string) => void,
): number {
  const braced = line[i + 1] === "{";
  const from = braced ? i + 2 : i + 1;
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(from));
  if (!m) fail('invalid variable name after "$"', line.slice(i, from + 1), base + i + 1);
  const name = m[0];
  let j = from + name.length;
  let fallback: string | undefined;
  if (braced) {
    const close = line.indexOf("}", j);
    if (close < 0 || (line[j] !== "}" && line[j] !== "-")) {
      fail('unmatched "{" in variable', line.slice(i, j), base + i + 2);
    }
    if (line[j] === "-") fallback = line.slice(j + 1, close);
    j = close + 1;
  }
  emit(env(name) ?? fallback ?? "");
  return j;
}
