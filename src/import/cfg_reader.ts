/** A line-based haproxy.cfg reader: sections of lines, each split into words the way HAProxy does. */

/** One keyword line: its words (quotes and escapes resolved) and the raw text after each word. */
export interface CfgLine {
  readonly line: number;
  readonly words: string[];
  /** The line as written, comment and surrounding blanks removed. */
  readonly text: string;
  /** Where each word starts in `text`, to keep rule text as written (`rest(n)`). */
  readonly starts: number[];
}

/** The raw text after the first `n` words of a line (quotes kept, for rule strings). */
export function rest(l: CfgLine, n: number): string {
  const at = l.starts[n];
  return at === undefined ? "" : l.text.slice(at).trim();
}

export interface CfgSection {
  /** global, defaults, frontend, backend, listen, userlist, peers, resolvers, ... */
  readonly kind: string;
  readonly name: string;
  readonly line: number;
  /** The section line itself (for `defaults NAME`, `frontend NAME from DEFAULTS`). */
  readonly header: CfgLine;
  readonly lines: CfgLine[];
}

/** Section keywords of HAProxy 2.x; anything else starts no section. */
export const SECTION_KINDS = new Set([
  "global",
  "defaults",
  "frontend",
  "backend",
  "listen",
  "userlist",
  "peers",
  "resolvers",
  "mailers",
  "program",
  "http-errors",
  "ring",
  "cache",
  "fcgi-app",
  "crt-store",
  "traces",
]);

/**
 * Splits one line into words: blanks separate, `"..."` and `'...'` quote (no escapes inside single
 * quotes), `\` escapes the next character, an unquoted `#` starts a comment.
 */
export function splitLine(raw: string, line: number): CfgLine {
  const words: string[] = [];
  const starts: number[] = [];
  let word: string | undefined;
  let quote = "";
  let end = raw.length;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote !== "") {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"' && i + 1 < raw.length) word += raw[++i]!;
      else word += c;
      continue;
    }
    if (c === "#") {
      end = i;
      break;
    }
    if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    if (word === undefined) {
      word = "";
      starts.push(i);
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "\\" && i + 1 < raw.length) word += raw[++i]!;
    else word += c;
  }
  if (word !== undefined) words.push(word);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.slice(0, end).trimEnd();
  return { line, words, text: text.slice(lead), starts: starts.map((s) => s - lead) };
}

/** Reads a whole file: lines before the first section go to a section of kind "". */
export function readCfg(source: string): CfgSection[] {
  const sections: CfgSection[] = [];
  let current: CfgSection | undefined;
  source.split(/\r?\n/).forEach((raw, i) => {
    const l = splitLine(raw, i + 1);
    const first = l.words[0];
    if (first === undefined) return;
    if (SECTION_KINDS.has(first)) {
      current = { kind: first, name: l.words[1] ?? "", line: l.line, header: l, lines: [] };
      sections.push(current);
      return;
    }
    if (current === undefined) {
      current = { kind: "", name: "", line: l.line, header: l, lines: [] };
      sections.push(current);
    }
    current.lines.push(l);
  });
  return sections;
}
