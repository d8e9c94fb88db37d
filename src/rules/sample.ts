/** Sample expressions (`fetch(args),conv(args),...`): the registry and compilation into closures. */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { type Arg, parseExpression, type Step } from "./_args.ts";
import { attempt, fail } from "./_fail.ts";
import { suggest } from "./_suggest.ts";
import { type Cast, castFor, TYPE_NAMES } from "./cast.ts";
import { CONVERTERS } from "./converters.ts";
import { AUTH_FETCHES } from "./fetches/auth.ts";
import type { RuleError } from "./errors.ts";
import { HTTP_FETCHES } from "./fetches/http.ts";
import { L4_FETCHES } from "./fetches/l4.ts";
import { PAYLOAD_FETCHES } from "./fetches/payload.ts";
import { SSL_FETCHES } from "./fetches/ssl.ts";
import { STICK_FETCHES } from "./fetches/stick.ts";
import type { Word } from "./tokenize.ts";
import {
  ArgumentError,
  type CompileOptions,
  type ConverterDef,
  type FetchDef,
  type LoadContext,
  type Need,
  type SampleContext,
  type SampleType,
  type Value,
} from "./types.ts";

function byName<T extends { name: string; aliases?: readonly string[] }>(
  defs: readonly T[],
): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const d of defs) {
    for (const name of [d.name, ...(d.aliases ?? [])]) {
      if (map.has(name)) throw new Error(`rules registry: "${name}" is defined twice`);
      map.set(name, d);
    }
  }
  return map;
}

/** Every fetch by name and alias: a new fetch family is one more spread here. */
export const FETCHES: ReadonlyMap<string, FetchDef> = byName([
  ...L4_FETCHES,
  ...PAYLOAD_FETCHES,
  ...HTTP_FETCHES,
  ...SSL_FETCHES,
  ...STICK_FETCHES,
  ...AUTH_FETCHES,
]);

/** Every converter by name. */
export const CONVERTERS_BY_NAME: ReadonlyMap<string, ConverterDef> = byName(CONVERTERS);

/** A compiled sample expression: the closures a request runs, and what the config check needs. */
export interface SampleExpr {
  /** The expression as written. */
  readonly text: string;
  /** The fetch keyword as written. */
  readonly fetch: string;
  readonly column: number;
  /** The type of the final value (after converters). */
  readonly type: SampleType;
  readonly needs: Need;
  /** The value (a multi-valued fetch's last occurrence), or undefined when there is none. */
  value(ctx: SampleContext): Value | undefined;
  /**
   * A predicate true when `pred` holds for some value: every occurrence of a multi-valued fetch
   * is tried, as HAProxy's ACLs do. Build it once (at config load), run it per request.
   */
  test(pred: (v: Value) => boolean): (ctx: SampleContext) => boolean;
}

let scoped: CompileOptions | undefined;

/**
 * Runs `compile` with `options` as the default of every compileSample call inside it that passes
 * none: rule actions compile their `%[...]` and set-var samples that way, and still find map files
 * next to the config.
 */
export function withCompileOptions<T>(options: CompileOptions, compile: () => T): T {
  const saved = scoped;
  scoped = options;
  try {
    return compile();
  } finally {
    scoped = saved;
  }
}

/**
 * Compiles `fetch[(args)][,converter[(args)]]...`, checking names, arguments and types; map files
 * are read now, through `options` (default: those of an enclosing withCompileOptions, else none).
 *
 * @example
 * ```ts
 * const r = compileSample("hdr(host),lower,field(1,:)");
 * if (r.ok) r.sample.value(ctx); // "example.com"
 * ```
 */
export function compileSample(
  word: string | Word,
  options: CompileOptions = scoped ?? {},
): { ok: true; sample: SampleExpr } | { ok: false; error: RuleError } {
  const w = typeof word === "string" ? { text: word, column: 1 } : word;
  const r = attempt(() => buildSample(w, parseExpression(w), undefined, options));
  return r.ok ? { ok: true, sample: r.value } : r;
}

const LOADS = new WeakMap<CompileOptions, LoadContext>();
/** Memos by the options' backends map when there is one: sections compiled with their own table share files. */
const MEMOS = new WeakMap<object, Map<string, unknown>>();

/** The LoadContext of the enclosing withCompileOptions (actions check table names with it). */
export function scopedLoad(): LoadContext {
  return loadContext(scoped ?? {});
}

/** The LoadContext of `options`: one per options object, so its memo spans a whole compile run. */
export function loadContext(options: CompileOptions): LoadContext {
  let load = LOADS.get(options);
  if (load) return load;
  const read = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const base = options.baseDir;
  const owner = options.backends ?? options;
  let memo = MEMOS.get(owner);
  if (!memo) MEMOS.set(owner, memo = new Map());
  const memos = memo;
  load = {
    readFile: (path) => read(base === undefined || isAbsolute(path) ? path : join(base, path)),
    memo<T>(key: string, build: () => T): T {
      if (!memos.has(key)) memos.set(key, build());
      return memos.get(key) as T;
    },
  };
  if (options.backends) load = { ...load, backends: options.backends };
  if (options.stickTables) load = { ...load, stickTables: options.stickTables };
  if (options.stickTable !== undefined) load = { ...load, stickTable: options.stickTable };
  if (options.userlists) load = { ...load, userlists: options.userlists };
  LOADS.set(options, load);
  return load;
}

/** Compiles parsed steps; `def` when the caller already resolved the fetch (derived ACL keywords). */
export function buildSample(
  word: Word,
  steps: Step[],
  def?: FetchDef,
  options: CompileOptions = {},
): SampleExpr {
  const load = loadContext(options);
  const head = steps[0]!;
  const fetch = def ?? FETCHES.get(head.name) ??
    fail(
      `unknown fetch "${head.name}"`,
      head.name,
      head.column,
      suggest(head.name, FETCHES.keys()),
    );
  const args = prepare("fetch", fetch, head, load);
  type Bound = { cast: Cast | null; def: ConverterDef; args: unknown };
  const chain: Bound[] = [];
  let type = fetch.type;
  for (const step of steps.slice(1)) {
    const conv = CONVERTERS_BY_NAME.get(step.name) ??
      fail(
        `unknown converter "${step.name}"`,
        step.name,
        step.column,
        suggest(step.name, CONVERTERS_BY_NAME.keys()),
      );
    const cast = conv.anyInput ? null : castFor(type, conv.in);
    if (cast === undefined) {
      fail(
        `converter "${conv.name}" expects ${TYPE_NAMES[conv.in]} but "${
          word.text.slice(0, step.column - word.column - 1)
        }" gives ${TYPE_NAMES[type]}`,
        step.name,
        step.column,
      );
    }
    const bound = prepare("converter", conv, step, load);
    chain.push({ cast, def: conv, args: bound });
    type = conv.outFor ? conv.outFor(bound) : conv.out;
  }
  const convert = (v: Value | undefined, ctx: SampleContext): Value | undefined => {
    for (let i = 0; i < chain.length && v !== undefined; i++) {
      const c = chain[i]!;
      if (c.cast) v = c.cast(v);
      if (v !== undefined) v = c.def.convert(v, c.args, ctx);
    }
    return v;
  };
  const get = fetch.fetch;
  const value = chain.length === 0
    ? (ctx: SampleContext) => get(ctx, args)
    : (ctx: SampleContext) => convert(get(ctx, args), ctx);
  // fetch functions are arrow functions (no `this`): called directly, not through a bound copy
  const each = fetch.each;
  return {
    text: word.text,
    fetch: head.name,
    column: head.column,
    type,
    needs: fetch.needs,
    value,
    test(pred) {
      let t: (ctx: SampleContext) => boolean;
      if (!each) {
        // one closure between the condition and the fetch when there is no converter
        t = chain.length === 0
          ? (ctx) => {
            const v = get(ctx, args);
            return v !== undefined && pred(v);
          }
          : (ctx) => {
            const v = value(ctx);
            return v !== undefined && pred(v);
          };
      } else {
        const visit = chain.length === 0 ? pred : (v: Value, ctx: SampleContext) => {
          const c = convert(v, ctx);
          return c !== undefined && pred(c);
        };
        t = (ctx) => each(ctx, args, visit);
      }
      if (fetch.needs !== "payload") return t;
      // A payload test that fails on bytes that may still grow is a miss, not a "no" (HAProxy's
      // ACL_TEST_MISS): the session re-runs its rules when more bytes come.
      return (ctx) => {
        ctx.mayChange = false;
        const r = t(ctx);
        if (!r && ctx.mayChange) ctx.miss = true;
        return r;
      };
    },
  };
}

/** Checks the number of arguments and runs the definition's `prepare`, pointing errors at the argument. */
function prepare(
  kind: "fetch" | "converter",
  def: FetchDef | ConverterDef,
  step: Step,
  load: LoadContext,
): unknown {
  const max = def.args.length;
  const min = def.args.filter((a) => !a.endsWith("?")).length;
  const got = step.args.length;
  if (got < min || got > max) {
    const names = def.args.map((a) => a.replace(/\?$/, "")).join(", ");
    const want = max === 0
      ? "no arguments"
      : min === max
      ? `${max} argument${max > 1 ? "s" : ""} (${names})`
      : `${min} to ${max} arguments (${names})`;
    const at: Arg | undefined = step.args[max] ?? step.args[got - 1];
    fail(
      `${kind} "${step.name}" takes ${want}, got ${got}`,
      step.name,
      at && got > max ? at.column : step.column,
    );
  }
  const texts = step.args.map((a) => a.text);
  if (!def.prepare) return texts;
  try {
    return def.prepare(texts, load);
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
    const arg = step.args[e.index];
    return fail(
      `${kind} "${step.name}": ${e.message}`,
      arg?.text ?? step.name,
      arg?.column ?? step.column,
    );
  }
}
