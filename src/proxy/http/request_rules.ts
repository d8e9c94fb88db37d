/** Phase "http-request-rules" of an HTTP transaction: the frontend's rules, choose-backend, the backend's rules. */
import type { Backend } from "../../backend/backend.ts";
import { type Failure, failure } from "../../failure/failure.ts";
import type { RequestHead } from "../../http1/types.ts";
import {
  chooseBackend,
  evaluateHttpRules,
  evaluateTcpRules,
  type SampleContext,
  type Verdict,
} from "../../rules/mod.ts";
import type { BackendHttpRules, FrontendRules } from "../../rules/rule_sets.ts";
import type { Socket } from "../../runtime/types.ts";
import { backendSample } from "../session/backend_sample.ts";
import type { ContextOwner } from "../session/l4_context.ts";
import { localResponse, type SessionVars, transactionContext } from "./rules_context.ts";

/** What the phase reads of its session: the client, the frontend's rules and backends, `sess.` variables. */
export interface RulesSession extends SessionVars {
  readonly client: Socket;
  readonly owner: ContextOwner & {
    readonly rules: FrontendRules | null;
    /** timeout tarpit of the frontend (its rules' tarpit). */
    readonly http: { readonly tarpitTimeout: number };
    backendNamed(name: string): Backend | undefined;
    backendRules(name: string): BackendHttpRules | undefined;
  };
}

/** How the rules answered instead of the server: a refusal, or their own response (return, redirect). */
export type RuleAnswer =
  | { failure: Failure }
  /** tarpit: hold the request this long (ms), then answer the failure. */
  | { failure: Failure; tarpit: number }
  /** silent-drop: the client connection is reset, nothing written. */
  | { failure: Failure; reset: true }
  | { failure: null; status: number; bytes: Uint8Array }
  | { failure: null; service: string };

export interface RulesOutcome {
  /** The rules' view of the transaction (later phases and a server's sni read it). */
  ctx: SampleContext;
  /** The backend chosen: a useBackend rule's, else the default given. */
  backend: Backend;
  answer: RuleAnswer | null;
}

const TCP_REJECT: RuleAnswer = {
  failure: failure("proxy", "tcp-request-rules", {
    reason: "rejected by tcp-request content rule",
  }),
};

const TCP_SILENT_DROP: RuleAnswer = {
  failure: failure("proxy", "tcp-request-rules", {
    reason: "silent-drop by tcp-request content rule",
  }),
  reset: true,
};
const REJECT: RuleAnswer = {
  failure: failure("proxy", "http-request-rules", { reason: "rejected by http-request rule" }),
};
const SILENT_DROP: RuleAnswer = {
  failure: failure("proxy", "http-request-rules", { reason: "silent-drop by http-request rule" }),
  reset: true,
};

/**
 * Runs the phase: rewrites change `req` in place; a tcp-request content reject, deny, return or
 * redirect is the answer. `keep`: a local answer may keep the client connection.
 */
export function runRequestRules(
  s: RulesSession,
  req: RequestHead,
  defaultBackend: Backend,
  keep: boolean,
): RulesOutcome {
  const rules = s.owner.rules;
  let backend = defaultBackend;
  const ctx = transactionContext(s.client, s.owner, backend.name, req, s);
  if (rules !== null) {
    if (rules.tcp.content.length > 0) {
      // tcp-request content rules of an HTTP frontend see each whole request head (HAProxy's HTX)
      ctx.final = true;
      const v = evaluateTcpRules(rules.tcp.content, ctx).verdict;
      if (v === "reject") return { ctx, backend, answer: TCP_REJECT };
      if (v === "silent-drop") return { ctx, backend, answer: TCP_SILENT_DROP };
    }
    const verdict = evaluateHttpRules(rules.request, { ctx, req });
    const answer = answerFor(verdict, req, keep, s.owner.http.tarpitTimeout);
    if (answer !== null) return { ctx, backend, answer };
    // phase "choose-backend": the first useBackend rule that matches, else the default
    const name = chooseBackend(rules.backends, ctx);
    if (name !== undefined) backend = s.owner.backendNamed(name) ?? backend;
    ctx.beName = backend.name;
  }
  ctx.backend = backendSample(backend);
  const own = s.owner.backendRules(backend.name);
  if (own?.tcp) {
    // the backend's tcp-request content rules, on the whole head as the frontend's
    ctx.final = true;
    const v = evaluateTcpRules(own.tcp.content, ctx).verdict;
    if (v === "reject") return { ctx, backend, answer: TCP_REJECT };
    if (v === "silent-drop") return { ctx, backend, answer: TCP_SILENT_DROP };
  }
  if (own === undefined || own.request.length === 0) return { ctx, backend, answer: null };
  return {
    ctx,
    backend,
    answer: answerFor(
      evaluateHttpRules(own.request, { ctx, req }),
      req,
      keep,
      backend.tarpitTimeout,
    ),
  };
}

/** The answer to a deny, return or redirect verdict; null when there is none (the request goes on). */
function answerFor(
  v: Verdict | undefined,
  req: RequestHead,
  keep: boolean,
  tarpitMs: number,
): RuleAnswer | null {
  if (v === undefined || v.type === "allow") return null;
  if (v.type === "reject") return REJECT;
  if (v.type === "silent-drop") return SILENT_DROP;
  if (v.type === "tarpit") {
    const reason = "tarpit by http-request rule";
    return { failure: failure("proxy", "tarpit", { status: v.status, reason }), tarpit: tarpitMs };
  }
  if (v.type === "deny") {
    const reason = v.status === 500 ? "rewrite failed" : "denied by http-request rule";
    return { failure: failure("proxy", "http-request-rules", { status: v.status, reason }) };
  }
  if (v.type === "service") return { failure: null, service: v.name };
  const r = localResponse(v, req, keep);
  return { failure: null, status: r.status, bytes: r.bytes };
}
