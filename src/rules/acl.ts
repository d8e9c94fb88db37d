/** ACLs: `name criterion [flags] [patterns]` lines compiled into named predicates; repeated names are OR-ed. */
import { parseExpression } from "./_args.ts";
import { attempt, fail } from "./_fail.ts";
import { suggest } from "./_suggest.ts";
import { castFor, TYPE_NAMES } from "./cast.ts";
import type { RuleError } from "./errors.ts";
import {
  buildMatcher,
  defaultMatch,
  MATCH_INPUT,
  type MatchMethod,
  type Pattern,
} from "./match.ts";
import { readMapFile } from "./maps.ts";
import { buildSample, FETCHES, loadContext } from "./sample.ts";
import { tokenize, type Word } from "./tokenize.ts";
import type { CompileOptions, FetchDef, Need, SampleContext, Value } from "./types.ts";

export type { CompileOptions } from "./types.ts";

/** A fetch a predicate uses, for the config check ("status" needs a response). */
export interface FetchUse {
  /** The fetch keyword as written. */
  fetch: string;
  needs: Need;
  /** Where it is referenced: the fetch's column, or in a condition the named ACL's column. */
  column: number;
  /** The named ACL it comes through, in a condition. */
  acl?: string;
}

/** A named ACL: every line of that name, OR-ed. */
export interface Acl {
  readonly name: string;
  readonly test: (ctx: SampleContext) => boolean;
  readonly uses: readonly FetchUse[];
}

/** The ACLs a section defines, by name. */
export type AclTable = ReadonlyMap<string, Acl>;

/** An error in one ACL line: `line` is its index in the list given to compileAcls. */
export interface AclError extends RuleError {
  line: number;
}

const NAME = /^[A-Za-z0-9_.:-]+$/;
const METHODS: readonly MatchMethod[] = Object.keys(MATCH_INPUT) as MatchMethod[];
const SUFFIXES: readonly string[] = ["beg", "dir", "dom", "end", "len", "reg", "sub"];
/** String fetches that take HAProxy's `_beg`, `_end`, ... suffixes (`path_beg`, `hdr_dom(host)`). */
const DERIVABLE = [
  "base",
  "cook",
  "hdr",
  "path",
  "url",
  "url_param",
  "urlp",
  "shdr",
  "req.hdr",
  "req.cook",
  "res.hdr",
];

/**
 * Compiles ACL lines (`is_api path_beg /api`, a leading `acl` word allowed), collecting an error
 * per bad line rather than stopping. Lines sharing a name are OR-ed, as in HAProxy.
 *
 * @example
 * ```ts
 * const { acls, errors } = compileAcls(["is_api path_beg /api", "is_api hdr(host) -i api.local"]);
 * ```
 */
export function compileAcls(
  lines: readonly (string | readonly Word[])[],
  options: CompileOptions = {},
): { acls: AclTable; errors: AclError[] } {
  const parts = new Map<string, { tests: ((ctx: SampleContext) => boolean)[]; uses: FetchUse[] }>();
  const errors: AclError[] = [];
  lines.forEach((line, index) => {
    const r = attempt(() => {
      const words = typeof line === "string" ? tokenized(line, options) : line;
      const from = words[0]?.text === "acl" ? 1 : 0;
      const name = words[from] ?? fail("missing ACL name", "", 1);
      if (name.text === "or") fail(`"or" cannot name an ACL`, name.text, name.column);
      if (!NAME.test(name.text)) {
        fail(
          `invalid ACL name "${name.text}" (letters, digits, "_.:-" only)`,
          name.text,
          name.column,
        );
      }
      if (from + 1 >= words.length) {
        fail(`ACL "${name.text}" needs a fetch after its name`, name.text, name.column);
      }
      return { name: name.text, ...buildAclTest(words.slice(from + 1), options) };
    });
    if (!r.ok) {
      errors.push({ ...r.error, line: index });
      return;
    }
    const p = parts.get(r.value.name) ?? { tests: [], uses: [] };
    p.tests.push(r.value.test);
    p.uses.push(r.value.use);
    parts.set(r.value.name, p);
  });
  const acls = new Map<string, Acl>();
  for (const [name, p] of parts) acls.set(name, { name, test: anyOf(p.tests), uses: p.uses });
  return { acls, errors };
}

/** Tokenizes a line, throwing its error as a RuleFailure. */
export function tokenized(line: string, options: CompileOptions): Word[] {
  const t = tokenize(line, options.env ? { env: options.env } : {});
  if (!t.ok) fail(t.error.message, t.error.word, t.error.column);
  return t.words;
}

function anyOf(tests: ((ctx: SampleContext) => boolean)[]): (ctx: SampleContext) => boolean {
  if (tests.length === 1) return tests[0]!;
  return (ctx) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(ctx)) return true;
    return false;
  };
}

/** Compiles `criterion [flags] [operator] [patterns]` (an ACL line after its name, or `{ ... }`). */
export function buildAclTest(
  words: readonly Word[],
  options: CompileOptions,
): { test: (ctx: SampleContext) => boolean; use: FetchUse } {
  const criterion = words[0]!;
  const steps = parseExpression(criterion);
  const head = steps[0]!;
  const [def, implied] = resolve(head.name, head.column);
  const sample = buildSample(criterion, steps, def, options);
  let icase = false;
  let asMap: Word | undefined;
  let method: MatchMethod | undefined = implied;
  let methodWord = criterion;
  let files = 0;
  const patterns: Pattern[] = [];
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w.text.length < 2 || w.text[0] !== "-") break;
    if (w.text === "--") {
      i++;
      break;
    }
    const arg = () =>
      words[++i] ?? fail(`flag "${w.text}" needs a value after it`, w.text, w.column);
    if (w.text === "-i") icase = true;
    // -n (no DNS resolution: none is ever done) and -u (unique ACL id) change nothing here.
    else if (w.text === "-n" || w.text === "-u") continue;
    else if (w.text === "-m") {
      const m = arg();
      if (implied) {
        fail(
          `"-m" cannot change how "${head.name}" matches`,
          m.text,
          m.column,
          `use -m with a plain fetch`,
        );
      }
      if (method) fail(`"-m" given twice`, m.text, m.column);
      if (!METHODS.includes(m.text as MatchMethod)) {
        fail(`unknown match method "${m.text}"`, m.text, m.column, suggest(m.text, METHODS));
      }
      method = m.text as MatchMethod;
      methodWord = m;
    } else if (w.text === "-f") {
      files++;
      const file = arg();
      patterns.push(
        ...(asMap ? mapKeys(file, icase, options) : readPatterns(file, icase, options)),
      );
      asMap = undefined;
    } else if (w.text === "-M") {
      asMap = w;
    } else {
      fail(
        `unknown ACL flag "${w.text}"`,
        w.text,
        w.column,
        `write "--" before a pattern starting with "-"`,
      );
    }
  }
  if (asMap) {
    fail(`"-M" reads the -f file after it as a map: none follows`, "-M", asMap.column);
  }
  for (; i < words.length; i++) {
    patterns.push({ text: words[i]!.text, column: words[i]!.column, icase });
  }
  const m = method ?? defaultMatch(sample.type);
  const input = MATCH_INPUT[m];
  const cast = input === null ? null : castFor(sample.type, input);
  if (cast === undefined) {
    fail(
      `match "${m}" expects ${TYPE_NAMES[input!]} but "${criterion.text}" gives ${
        TYPE_NAMES[sample.type]
      }`,
      methodWord.text,
      methodWord.column,
    );
  }
  if (patterns.length === 0 && files === 0 && m !== "found" && m !== "bool") {
    fail(
      `"${criterion.text}" has no patterns, so it would never match`,
      criterion.text,
      criterion.column,
      `use "-m found" to test that it exists`,
    );
  }
  const match = buildMatcher(m, patterns);
  const pred = cast === null ? match : (v: Value) => {
    const c = cast(v);
    return c !== undefined && match(c);
  };
  return {
    test: sample.test(pred),
    use: { fetch: head.name, needs: sample.needs, column: head.column },
  };
}

/** The fetch of a criterion and the match its name implies (`path_beg` is `path` with `beg`). */
function resolve(name: string, column: number): [FetchDef | undefined, MatchMethod | undefined] {
  if (FETCHES.has(name)) return [undefined, undefined];
  const cut = name.lastIndexOf("_");
  const base = name.slice(0, cut), suffix = name.slice(cut + 1);
  if (cut > 0 && DERIVABLE.includes(base) && SUFFIXES.includes(suffix)) {
    return [FETCHES.get(base)!, suffix as MatchMethod];
  }
  const derived = DERIVABLE.flatMap((b) => SUFFIXES.map((s) => `${b}_${s}`));
  return fail(
    `unknown fetch "${name}"`,
    name,
    column,
    suggest(name, [...FETCHES.keys(), ...derived]),
  );
}

/** The patterns of a `-f` file: one per line, blank lines and `#` comments skipped, spaces trimmed. */
function readPatterns(file: Word, icase: boolean, options: CompileOptions): Pattern[] {
  let text: string;
  try {
    text = loadContext(options).readFile(file.text);
  } catch (e) {
    return fail(
      `cannot read pattern file "${file.text}": ${(e as Error).message}`,
      file.text,
      file.column,
    );
  }
  const out: Pattern[] = [];
  text.split(/\r?\n/).forEach((raw, n) => {
    const t = raw.trim();
    if (t === "" || t[0] === "#") return;
    out.push({ text: t, column: file.column, icase, origin: `${file.text}:${n + 1}` });
  });
  return out;
}

/** The patterns of `-M -f file`: the keys of a map file (its values are not used). */
function mapKeys(file: Word, icase: boolean, options: CompileOptions): Pattern[] {
  try {
    return readMapFile(file.text, loadContext(options)).map((e) => ({
      text: e.key,
      column: file.column,
      icase,
      origin: `${file.text}:${e.line}`,
    }));
  } catch (e) {
    return fail((e as Error).message, file.text, file.column);
  }
}
