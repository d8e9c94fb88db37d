/**
 * `tsproxy explain`: one request followed through the real phase code of a plan built from the
 * config (no listener bound, no connection opened): rules, backend, server, the head sent.
 */
import { Backend } from "../backend/backend.ts";
import type { Config } from "../config/mod.ts";
import { ruleOptions } from "../config/rules.ts";
import { requestFraming } from "../http1/framing.ts";
import { parseRequestHead } from "../http1/parse.ts";
import { decodeLatin1 } from "../http1/serialize.ts";
import type { RequestHead } from "../http1/types.ts";
import { planFromConfig } from "../plan/plan.ts";
import { chooseCompression } from "../proxy/http/compress.ts";
import { buildRequestHead, clientKeepsAlive, requestsUpgrade } from "../proxy/http/heads.ts";
import type { HttpFrontendOptions } from "../proxy/http/options.ts";
import { type RuleAnswer, runRequestRules } from "../proxy/http/request_rules.ts";
import { backendSample } from "../proxy/session/backend_sample.ts";
import type { BackendHttpRules, CompileOptions } from "../rules/mod.ts";
import type { Socket } from "../runtime/types.ts";
import { AclExplainer } from "./acl_trace.ts";
import { chooseFrontend } from "./frontend.ts";
import { changesSince, requestLine, snapshot } from "./head_diff.ts";
import { traceBackendHttpRules, traceFrontendRules, type TraceSink } from "./rule_trace.ts";
import { explainServer } from "./server.ts";
import type { ExplainInput, Explanation, HeadChange, LocalAnswer, RuleStep } from "./types.ts";

const CONNECT_REFUSED = "CONNECT is not accepted here";

/**
 * Explains what the proxy running `config` would do with `input`. Throws a RangeError when no
 * frontend fits (named one unknown, no bind for the address, no HTTP frontend).
 */
export async function explain(config: Config, input: ExplainInput): Promise<Explanation> {
  const plan = await planFromConfig(config);
  const choice = chooseFrontend(plan, new Set(Object.keys(config.frontends)), input);
  const fe = choice.fe, http = fe.http!;
  const tls = choice.tls || input.sni !== undefined;
  const srcPort = input.srcPort ?? 40000;
  const client = {
    remoteAddress: input.src,
    remotePort: srcPort,
    localAddress: choice.dst.host,
    localPort: choice.dst.port,
    tls: tls
      ? { sni: input.sni, protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256" }
      : undefined,
  } as unknown as Socket; // what the rules context and the head builder read of a client socket
  const parsed = parseRequestHead(input.head, http.limits);
  const framing = parsed.ok ? requestFraming(parsed.head) : null;
  const line = parsed.ok ? requestLine(parsed.head) : firstLine(input.head);
  const base = {
    request: {
      line,
      src: input.src,
      srcPort,
      dst: choice.dst.host,
      dstPort: choice.dst.port,
      tls,
      ...(input.sni === undefined ? {} : { sni: input.sni }),
    },
    frontend: { name: fe.name, why: choice.why },
  };
  const refusal = !parsed.ok
    ? parsed.rejection
    : framing && !framing.ok
    ? framing.rejection
    : parsed.head.method === "CONNECT" && !http.acceptConnect
    ? { status: 405, reason: CONNECT_REFUSED }
    : null;
  if (refusal !== null || !parsed.ok) {
    const status = refusal?.status ?? 400;
    const answer = errorAnswer("invalid", status, refusal?.reason ?? "invalid request", http);
    return { ...base, steps: [], backend: null, server: null, rewrites: [], head: null, answer };
  }
  const req = parsed.head;
  const backends = new Map(plan.backends.map((o) => [o.name, new Backend(o)]));
  const steps: RuleStep[] = [];
  const cfgFe = config.frontends[fe.name]!;
  const feSink: TraceSink = {
    steps,
    acls: explainer(config, cfgFe.acl, fe.name, cfgFe.stickTable),
  };
  const feRules = fe.rules ? traceFrontendRules(fe.rules, cfgFe, fe.name, feSink) : null;
  const beRules = new Map<string, BackendHttpRules>();
  for (const [name, rules] of plan.backendRules ?? []) {
    const b = config.backends[name]!;
    const sink = { steps, acls: explainer(config, b.acl, name, b.stickTable) };
    beRules.set(name, traceBackendHttpRules(rules, b, name, sink));
  }
  const owner = {
    name: fe.name,
    cur: 1,
    rules: feRules,
    http,
    backendNamed: (n: string) => backends.get(n),
    backendRules: (n: string) => beRules.get(n),
    sampleBackend: (n: string) => {
      const b = backends.get(n);
      return b && backendSample(b);
    },
  };
  const session = { client, owner, sessVars: new Map<string, unknown>(), tracker: null };
  const defaultBackend = backends.get(fe.defaultBackend)!;
  const out = runRequestRules(
    session,
    req,
    defaultBackend,
    clientKeepsAlive(req, http.connectionMode),
  );
  const chosen = steps.findLast((s) => s.list.startsWith("use_backend") && s.matched);
  const backend = {
    name: out.backend.name,
    why: out.backend !== defaultBackend && chosen
      ? `${chosen.list} rule ${chosen.index}`
      : chosen
      ? `${chosen.list} rule ${chosen.index} named no backend: the default`
      : "the frontend's default backend",
  };
  const done = { ...base, steps, backend, rewrites: [] as HeadChange[] };
  if (out.answer !== null) {
    // answered by the frontend's rules: no backend was chosen yet
    const chosen = steps.some((s) => s.list.includes("(backend ")) ? backend : null;
    const answer = ruleAnswer(out.answer, steps, http);
    return { ...done, backend: chosen, server: null, head: null, answer };
  }
  const svc = fe.services?.pick(req) ?? null;
  if (svc !== null) {
    const answer = {
      kind: "service",
      status: 0,
      why: `local service ${svc.name} answers`,
      response: "",
    };
    return { ...done, server: null, head: null, answer };
  }
  const opts = plan.backends.find((o) => o.name === out.backend.name)!;
  const server = explainServer(
    out.backend,
    () => new Backend(opts),
    req,
    input.src,
    opts.balance,
    opts.hashType,
  );
  const rewrites = sendRewrites(session, req, http, out.backend.name);
  return { ...done, server, rewrites: rewrites.changes, head: rewrites.head, answer: null };
}

function explainer(
  config: Config,
  acl: readonly string[] | undefined,
  section: string,
  ownTable: unknown,
): AclExplainer {
  const o: CompileOptions = ruleOptions(config);
  return new AclExplainer(acl ?? [], ownTable === undefined ? o : { ...o, stickTable: section });
}

/** The head as sent: compression offload, then `buildRequestHead`'s changes, each said why. */
function sendRewrites(
  s: Parameters<typeof buildRequestHead>[0],
  req: RequestHead,
  http: HttpFrontendOptions,
  backend: string,
): { changes: HeadChange[]; head: string } {
  const first = snapshot(req);
  chooseCompression(http.compression, backend, req);
  const changes = changesSince(first, req, "compression offload");
  const before = snapshot(req);
  const head = decodeLatin1(buildRequestHead(s, req, requestsUpgrade(req)));
  for (const c of changesSince(before, req)) changes.push({ ...c, why: whyRewrite(c) });
  return { changes, head };
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function whyRewrite(c: HeadChange): string {
  const n = c.name.toLowerCase();
  if (c.op === "-") return HOP_BY_HOP.has(n) ? "hop-by-hop" : "named by Connection (hop-by-hop)";
  if (n === "connection") return "connection mode";
  if (n === "x-forwarded-proto" || n === "x-forwarded-host") return "forwardedProto";
  if (n === "forwarded") return "forwarded";
  if (n === "via") return "via";
  return "forwardfor";
}

function firstLine(head: Uint8Array): string {
  const text = decodeLatin1(head);
  const eol = text.indexOf("\r\n");
  return eol < 0 ? text : text.slice(0, eol);
}

function errorAnswer(
  kind: string,
  status: number,
  why: string,
  http: HttpFrontendOptions,
): LocalAnswer {
  return { kind, status, why, response: status > 0 ? decodeLatin1(http.errors.get(status)) : "" };
}

/** The rules' own answer: a refusal (its error page), or the response of return, redirect or auth. */
function ruleAnswer(a: RuleAnswer, steps: RuleStep[], http: HttpFrontendOptions): LocalAnswer {
  const decided = steps.findLast((s) =>
    s.matched && !/^(applied|no change|backend )/.test(s.outcome)
  );
  const by = decided ? `${decided.list} rule ${decided.index}` : "the rules";
  if (a.failure === null) {
    if ("service" in a) {
      return { kind: "service", status: 0, why: `${by}: local service ${a.service}`, response: "" };
    }
    const verb = decided?.line.trim().split(/\s+/)[0] ?? "return";
    const kind = verb === "auth" ? "auth" : verb === "redirect" ? "redirect" : "return";
    return { kind, status: a.status, why: by, response: decodeLatin1(a.bytes) };
  }
  const f = a.failure;
  if ("tarpit" in a) {
    return errorAnswer(
      "tarpit",
      f.status,
      `${by}: held ${a.tarpit} ms (timeout tarpit), then answered`,
      http,
    );
  }
  if ("reset" in a) return errorAnswer("silent-drop", 0, `${by}: the connection is reset`, http);
  if (f.status === 0) return errorAnswer("reject", 0, `${by}: the connection is closed`, http);
  return errorAnswer("deny", f.status, `${by}: ${f.reason}`, http);
}
