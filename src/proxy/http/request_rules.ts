/** Phase "http-request rules" of an HTTP transaction: the frontend's rules, choose backend, the backend's rules. */
import type { Backend } from "../../backend/backend.ts";
import type { RequestHead } from "../../http1/types.ts";
import {
  chooseBackend,
  evaluateHttpRules,
  evaluateTcpRules,
  type SampleContext,
  type Verdict,
} from "../../rules/mod.ts";
import { backendSample } from "../session/backend_sample.ts";
import { localResponse, transactionContext } from "./rules_context.ts";
import type { HttpSession } from "./session.ts";

/** What the phase reads and changes of its transaction. */
export interface RequestRulesHost {
  readonly req: RequestHead;
  /** The backend: the frontend's default, until a useBackend rule names another. */
  backend: Backend;
  /** Whether a local answer may keep the client connection (keep-alive, whole body read, not stopping). */
  readonly mayKeepClient: boolean;
  fail(status: number, termination: string, reason: string): void;
  abort(termination: string, reason?: string): void;
  /** Sends a rule's own response (return, redirect) and ends the transaction. */
  answerLocally(status: number, bytes: Uint8Array, keep: boolean, rest: Uint8Array): void;
}

/**
 * Runs the phase: rewrites change `req` in place; a tcp-request content reject, deny, return or
 * redirect answers here. Returns the transaction's sample context and whether it was answered
 * (`rest`, the bytes after the head, then goes to the session for the next request).
 */
export function runRequestRules(
  t: RequestRulesHost,
  s: HttpSession,
  rest: Uint8Array,
): { ctx: SampleContext; answered: boolean } {
  const rules = s.owner.rules;
  const ctx = transactionContext(s.client, s.owner, t.backend.name, t.req, s);
  if (rules !== null) {
    if (rules.tcp.content.length > 0) {
      // tcp-request content rules of an HTTP frontend see each whole request head (HAProxy's HTX)
      ctx.final = true;
      if (evaluateTcpRules(rules.tcp.content, ctx).verdict === "reject") {
        t.abort("PR", "rejected by tcp-request content rule");
        return { ctx, answered: true };
      }
    }
    if (answered(t, evaluateHttpRules(rules.request, { ctx, req: t.req }), rest)) {
      return { ctx, answered: true };
    }
    const name = chooseBackend(rules.backends, ctx);
    if (name !== undefined) t.backend = s.owner.backendNamed(name) ?? t.backend;
    ctx.beName = t.backend.name;
  }
  ctx.backend = backendSample(t.backend);
  const own = s.owner.backendRules(t.backend.name);
  if (own === undefined || own.request.length === 0) return { ctx, answered: false };
  return { ctx, answered: answered(t, evaluateHttpRules(own.request, { ctx, req: t.req }), rest) };
}

/** Answers a deny, return or redirect verdict; false when there is none (the request goes on). */
function answered(t: RequestRulesHost, v: Verdict | undefined, rest: Uint8Array): boolean {
  if (v === undefined || v.type === "allow") return false;
  if (v.type === "deny") {
    t.fail(v.status, "PR", v.status === 500 ? "rewrite failed" : "denied by http-request rule");
    return true;
  }
  const keep = t.mayKeepClient;
  const r = localResponse(v, t.req, keep);
  t.answerLocally(r.status, r.bytes, keep, rest);
  return true;
}
