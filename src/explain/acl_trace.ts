/** The ACLs a rule's condition names, each evaluated on a request with the value its fetch read. */
import {
  compileAcls,
  type CompileOptions,
  compileSample,
  predefinedAcl,
  type SampleContext,
  type SampleExpr,
  tokenize,
  type Value,
  type Word,
} from "../rules/mod.ts";
import type { AclResult } from "./types.ts";

/** One ACL line compiled on its own: its test and the bare fetch of its criterion. */
interface AclLine {
  readonly text: string;
  readonly test: (ctx: SampleContext) => boolean;
  readonly sample: SampleExpr | null;
}

/** Match suffixes an ACL criterion may carry (`path_beg` is `path` matched with `beg`). */
const SUFFIX = /^([a-z0-9_.]+?)_(beg|dir|dom|end|len|reg|sub)(?=$|[(,])/;

/**
 * The ACL lines of one section, compiled line by line (the rules engine OR-s same-named lines into
 * one closure, which cannot say which line matched), to explain a condition's result.
 */
export class AclExplainer {
  readonly #named = new Map<string, AclLine[]>();
  readonly #options: CompileOptions;

  constructor(lines: readonly string[], options: CompileOptions) {
    this.#options = options;
    for (const line of lines) {
      const words = this.#words(line);
      const from = words[0]?.text === "acl" ? 1 : 0;
      const name = words[from];
      const compiled = name && this.#compile(words.slice(from + 1));
      if (!name || !compiled) continue;
      const list = this.#named.get(name.text) ?? [];
      list.push(compiled);
      this.#named.set(name.text, list);
    }
  }

  /**
   * Each ACL the condition of rule `line` names (after its `if`/`unless`), evaluated on `ctx` as it
   * is now; an ACL named twice is listed once. Empty for a rule without a condition.
   */
  explain(line: string, ctx: SampleContext): AclResult[] {
    const words = this.#words(line);
    const at = words.findIndex((w, i) => i > 0 && (w.text === "if" || w.text === "unless"));
    if (at < 0) return [];
    const out: AclResult[] = [];
    const seen = new Set<string>();
    for (let i = at + 1; i < words.length; i++) {
      const name = words[i]!.text.replace(/^!+/, "");
      if (name === "" || name === "||" || name === "or") continue;
      if (name === "{") {
        const close = words.findIndex((w, j) => j > i && w.text === "}");
        const inner = words.slice(i + 1, close < 0 ? words.length : close);
        i = close < 0 ? words.length : close;
        const anon = this.#compile(inner);
        if (anon) out.push(this.#result("", anon, ctx));
        continue;
      }
      if (seen.has(name)) continue;
      seen.add(name);
      const lines = this.#named.get(name);
      if (lines) { for (const l of lines) out.push(this.#result(name, l, ctx)); }
      else {
        const pre = predefinedAcl(name);
        if (pre) out.push({ name, test: "(predefined)", result: pre.test(ctx), value: "" });
      }
    }
    return out;
  }

  #result(name: string, l: AclLine, ctx: SampleContext): AclResult {
    const result = l.test(ctx);
    const value = l.sample === null
      ? ""
      : `${l.sample.text} ${shown(l.sample.value(ctx), l.sample.type)}`;
    return { name, test: l.text, result, value };
  }

  #words(line: string): Word[] {
    const env = this.#options.env;
    const t = tokenize(line, env ? { env } : {});
    return t.ok ? t.words : [];
  }

  /** One ACL's words after its name; null when they do not compile (the config check said why). */
  #compile(words: readonly Word[]): AclLine | null {
    if (words.length === 0) return null;
    const { acls } = compileAcls([[{ text: "x", column: 1 }, ...words]], this.#options);
    const acl = acls.get("x");
    if (!acl) return null;
    const criterion = words[0]!;
    const bare = { text: criterion.text.replace(SUFFIX, "$1"), column: criterion.column };
    const r = compileSample(bare, this.#options);
    return {
      text: words.map((w) => quoted(w.text)).join(" "),
      test: acl.test,
      sample: r.ok ? r.sample : null,
    };
  }
}

function quoted(text: string): string {
  return text === "" || /\s/.test(text) ? JSON.stringify(text) : text;
}

/** A fetched value as the trace shows it: strings quoted, bytes in hex, "none" when absent. */
export function shown(v: Value | undefined, type?: string): string {
  if (v === undefined) return "none";
  if (type === "ip") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Uint8Array) {
    return `<${[...v.subarray(0, 32)].map((b) => b.toString(16).padStart(2, "0")).join("")}${
      v.length > 32 ? "…" : ""
    }>`;
  }
  return String(v);
}
