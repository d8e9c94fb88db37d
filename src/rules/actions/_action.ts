/** What every action keyword shares: its shape, and the checks and rendering of its arguments. */
import { fail } from "../_fail.ts";
import { pathStart } from "../fetches/_message.ts";
import type { Word } from "../tokenize.ts";
import type { Need } from "../types.ts";
import { compileLogFormat, type LogFormat } from "./log_format.ts";
import type { HttpRuleTarget, RuleSide, Verdict } from "./types.ts";

/** A fetch an action's arguments read (a `%[...]` sample), for the request/response check. */
export interface ArgUse {
  fetch: string;
  needs: Need;
  column: number;
}

/** What compiling an action's arguments gives: the closure to run and what it reads. */
export interface CompiledAction {
  run(t: HttpRuleTarget): Verdict | undefined;
  uses: ArgUse[];
}

/** An action keyword: where it may appear and how its arguments compile. */
export interface ActionDef {
  name: string;
  sides: readonly RuleSide[];
  /** `kw` is the keyword word, `args` the words up to `if`/`unless`; `arg` is the text in `set-var(arg)`. */
  compile(kw: Word, args: readonly Word[], side: RuleSide, arg: string | undefined): CompiledAction;
}

/** A method or header name: an HTTP token. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Fields that frame the body: rewriting them after the framing was read would desynchronise the peers. */
const FRAMING = new Set(["content-length", "transfer-encoding"]);
/** A rewrite whose result cannot go on the wire (a control character) fails the request, as HAProxy's strict mode. */
export const REWRITE_FAILED: Verdict = { type: "deny", status: 500 };

/** The argument at `i`, or a failure saying what is missing. */
export function word(args: readonly Word[], i: number, kw: Word, what: string): Word {
  return args[i] ??
    fail(`"${kw.text}" needs ${what}`, kw.text, (args[i - 1] ?? kw).column);
}

/** Fails on a word after the `n` arguments an action takes: a condition must start with if/unless. */
export function noMore(args: readonly Word[], n: number, kw: Word): void {
  const extra = args[n];
  if (extra) {
    fail(
      `unexpected "${extra.text}" after the arguments of "${kw.text}"`,
      extra.text,
      extra.column,
      `conditions start with "if" or "unless"`,
    );
  }
}

/** A header name that is a token and not a framing field. */
export function headerName(w: Word): string {
  if (!TOKEN.test(w.text)) fail(`invalid header name "${w.text}"`, w.text, w.column);
  if (FRAMING.has(w.text.toLowerCase())) {
    fail(`"${w.text}" frames the body and cannot be changed by a rule`, w.text, w.column);
  }
  return w.text;
}

/** A three-digit status between `min` and `max`. */
export function status(w: Word, min: number, max: number): number {
  const n = /^\d{3}$/.test(w.text) ? Number(w.text) : NaN;
  if (!(n >= min && n <= max)) fail(`invalid status "${w.text}" (${min}-${max})`, w.text, w.column);
  return n;
}

/** A log-format argument; its samples are added to `uses`. */
export function format(w: Word, uses: ArgUse[]): LogFormat {
  const f = compileLogFormat(w);
  uses.push(...f.needs);
  return f;
}

/** True when `v` may go in a header value: no control but tab, nothing beyond latin1. */
export function fieldSafe(v: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(v);
}

/** The target split into [before the path, path, query (with its "?"), or ""]. */
export function splitTarget(target: string): [string, string, string] | null {
  const at = pathStart(target);
  if (at < 0) return null;
  const q = target.indexOf("?", at);
  return q < 0
    ? [target.slice(0, at), target.slice(at), ""]
    : [target.slice(0, at), target.slice(at, q), target.slice(q)];
}
