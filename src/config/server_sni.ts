/** A server's `sni` expression compiled with the rules engine (HAProxy's `sni <expr>`), for the config check and the plan. */
import type { SniSpec } from "../backend/server_tls.ts";
import { type CompileOptions, compileSample, formatRuleError } from "../rules/mod.ts";
import type { CrossIssue } from "./errors.ts";
import { ruleOptions } from "./rules.ts";
import type { Config } from "./schema.ts";
import type { SniConfig } from "./server_tls.ts";

/**
 * Compiles `sni` for a server of a backend in `mode`: a fixed name stays one; an expression
 * becomes a closure over the connection's SampleContext. The error (a rule error, with its column)
 * is for the config path `backends.NAME.servers.N.sni`. A response fetch is refused (the server
 * connection opens before any response), and in tcp mode an HTTP fetch is.
 */
export function compileServerSni(
  sni: SniConfig,
  mode: "tcp" | "http",
  options: CompileOptions = {},
): { ok: true; sni: SniSpec } | { ok: false; error: string } {
  if (sni.kind === "literal") return { ok: true, sni };
  const r = compileSample({ text: sni.text, column: 1 }, options);
  if (!r.ok) return { ok: false, error: formatRuleError(r.error) };
  const { needs, fetch, column } = r.sample;
  if (needs === "http-res") {
    return {
      ok: false,
      error: `"${fetch}" needs a response; not allowed in sni (the connection opens before ` +
        `any response) at column ${column}`,
    };
  }
  if (needs === "http-req" && mode === "tcp") {
    return {
      ok: false,
      error: `"${fetch}" is an HTTP fetch; not allowed in the sni of a tcp-mode backend at ` +
        `column ${column}`,
    };
  }
  return { ok: true, sni: { kind: "expr", text: sni.text, value: r.sample.value } };
}

/**
 * Every server's `sni` of `config` compiled, by backend name and server index (fixed names and
 * servers without sni left out), with the errors as issues at `backends.NAME.servers.N.sni`.
 */
export function serverSnis(
  config: Config,
): { snis: Map<string, Map<number, SniSpec>>; issues: CrossIssue[] } {
  const snis = new Map<string, Map<number, SniSpec>>();
  const issues: CrossIssue[] = [];
  const options = ruleOptions(config);
  for (const [name, be] of Object.entries(config.backends)) {
    const mode = be.mode ?? config.defaults.mode;
    be.servers.forEach((s, i) => {
      if (s.sni === undefined) return;
      const r = compileServerSni(s.sni, mode, options);
      if (!r.ok) issues.push({ path: ["backends", name, "servers", i, "sni"], message: r.error });
      else {
        if (!snis.has(name)) snis.set(name, new Map());
        snis.get(name)!.set(i, r.sni);
      }
    });
  }
  return { snis, issues };
}
