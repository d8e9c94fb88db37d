/** An Explanation as text for a terminal (`tsproxy explain`) or as JSON (`--json`). */
import type { Explanation, HeadChange, RuleStep } from "./types.ts";

function change(c: HeadChange): string {
  const why = c.why === undefined ? "" : `   (${c.why})`;
  if (c.op === "line") return `~ ${c.name}  →  ${c.value}${why}`;
  return `${c.op} ${c.name}: ${c.value}${why}`;
}

function step(s: RuleStep): string[] {
  const out = [`  [${s.index}] ${s.line}`];
  for (const a of s.acls) {
    const value = a.value === "" ? "" : ` (${a.value})`;
    const acl = a.name === "" ? `{ ${a.test} }` : `acl ${a.name} ${a.test}`;
    out.push(`      ${acl} → ${a.result}${value}`);
  }
  const cond = /\s(if|unless)\s/.test(` ${s.line} `) ? `condition ${s.matched} → ` : "";
  out.push(`      ${cond}${s.outcome}`);
  for (const c of s.changes) out.push(`      ${change(c)}`);
  return out;
}

function indent(text: string): string[] {
  return text.replace(/(\r\n)+$/, "").split("\r\n").map((l) => `  ${l}`);
}

/**
 * The explanation in sections: request, frontend, the rules list by list, backend, server, the
 * rewrites when sent and the head, or the local answer.
 *
 * @example
 * ```ts
 * console.log(renderText(await explain(config, { head, src: "10.0.0.7" })));
 * ```
 */
export function renderText(e: Explanation): string {
  const r = e.request;
  const tls = r.tls ? ` over TLS${r.sni === undefined ? "" : ` (SNI ${r.sni})`}` : "";
  const out = [
    `request   ${r.line}`,
    `          from ${r.src}:${r.srcPort} to ${r.dst}:${r.dstPort}${tls}`,
    `frontend  ${e.frontend.name}  (${e.frontend.why})`,
  ];
  let list = "";
  for (const s of e.steps) {
    if (s.list !== list) out.push(`${s.list}:`);
    list = s.list;
    out.push(...step(s));
  }
  if (e.steps.length === 0 && e.answer?.kind !== "invalid") out.push("rules     none ran");
  if (e.backend) out.push(`backend   ${e.backend.name}  (${e.backend.why})`);
  if (e.server) {
    const s = e.server;
    const at = s.name === null ? "none (no usable server: 503)" : `${s.name} ${s.address}`;
    out.push(`server    ${at}`);
    out.push(`          balance ${s.algorithm}: ${s.why}`);
    if (!s.exact) out.push(`          candidates: ${s.candidates.join(", ") || "none"}`);
  }
  if (e.answer) {
    const a = e.answer;
    const status = a.status > 0 ? ` ${a.status}` : "";
    out.push(`answer    ${a.kind}${status}: ${a.why}`);
    if (a.response !== "") {
      const end = a.response.indexOf("\r\n\r\n");
      out.push(...indent(end < 0 ? a.response : a.response.slice(0, end + 2)));
    }
  }
  if (e.rewrites.length > 0) {
    out.push("sent with:");
    for (const c of e.rewrites) out.push(`  ${change(c)}`);
  }
  if (e.head !== null) {
    out.push(`head to ${e.server?.name ?? "the server"}:`);
    out.push(...indent(e.head));
  }
  return out.join("\n") + "\n";
}

export function renderJson(e: Explanation): string {
  return JSON.stringify(e, null, 2) + "\n";
}
