/** The rules phase of an HTTP transaction: its sample context, and the responses rules answer with (return, redirect). */
import process from "node:process";
import { messageReason, statusReason } from "../../http1/reasons.ts";
import { encodeLatin1 } from "../../http1/serialize.ts";
import type { RequestHead, ResponseHead } from "../../http1/types.ts";
import {
  type BackendSample,
  evaluateHttpRules,
  type HttpRule,
  type RequestSample,
  type ResponseSample,
  type SampleContext,
  type TlsSample,
  type Verdict,
} from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import { reasonPhrase } from "./error_pages.ts";
import type { ContextOwner } from "../session/l4_context.ts";
import type { StickTable } from "../../stick/table.ts";
import type { StickState, Tracker } from "../../stick/tracker.ts";
import { ScopedVars } from "../session/vars.ts";
import type { ClientConnection } from "../session/proxy_out.ts";

const NO_TABLES: ReadonlyMap<string, StickTable> = new Map();

/** Redirect codes: a local response with one is worded as HAProxy's redirects ("302 Found"). */
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Where a connection's `sess.` variables live (its HttpSession), created on first use. */
export interface SessionVars {
  readonly sessVars: Map<string, unknown>;
  /** What the connection's tcp-request connection rules tracked (its requests see and count it). */
  readonly tracker?: Tracker | null;
}

/**
 * The sample context of one transaction, a class so that building one per request allocates one
 * object (its variables only when a rule uses them). With stick tables it is its own `stick`
 * state (`tables`, `tracker`), so tracking allocates no second object.
 */
class TransactionContext implements SampleContext, StickState {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly feName: string;
  beName: string;
  readonly feConn: number;
  readonly req: RequestSample;
  res?: ResponseSample;
  tls?: TlsSample;
  ppAuthority?: string;
  backend?: BackendSample;
  final?: boolean;
  readonly stick: StickState | null;
  readonly tables: ReadonlyMap<string, StickTable>;
  tracker: Tracker | null;
  readonly #owner: ContextOwner;
  readonly #sess: SessionVars;
  #vars: ScopedVars | null = null;

  constructor(
    client: Socket,
    owner: ContextOwner,
    beName: string,
    req: RequestHead,
    sess: SessionVars,
  ) {
    this.src = client.remoteAddress;
    this.srcPort = client.remotePort;
    this.dst = client.localAddress;
    this.dstPort = client.localPort;
    this.feName = owner.name;
    this.beName = beName;
    this.feConn = owner.cur;
    // the head itself: rewrites by earlier rules change it in place, and later rules read that
    this.req = req;
    if (client.tls) this.tls = client.tls;
    const pp = (client as ClientConnection).authority;
    if (pp !== undefined) this.ppAuthority = pp;
    this.#owner = owner;
    this.#sess = sess;
    const tables = owner.rules?.stick;
    this.tables = tables ?? NO_TABLES;
    this.tracker = tables && sess.tracker ? sess.tracker.child() : null;
    this.stick = tables ? this : null;
  }

  get vars(): Map<string, unknown> {
    return this.#vars ??= new ScopedVars(this.#sess.sessVars);
  }

  env(name: string): string | undefined {
    return process.env[name];
  }

  backends(name: string): BackendSample | undefined {
    return this.#owner.sampleBackend(name);
  }
}

/** The sample context of one transaction: the client connection's addresses and the request. */
export function transactionContext(
  client: Socket,
  owner: ContextOwner,
  beName: string,
  req: RequestHead,
  /** Holds the connection's `sess.` variables, kept across its requests (read when a rule needs them). */
  sessVars: SessionVars,
): SampleContext {
  return new TransactionContext(client, owner, beName, req, sessVars);
}

/**
 * The bytes of a rule's own response (return or redirect): a complete HTTP/1.1 message that keeps
 * the connection open when `keepAlive`, with no body for HEAD. Returns the status too, for the log.
 */
export function localResponse(
  v: Extract<Verdict, { type: "return" | "redirect" }>,
  req: RequestHead,
  keepAlive: boolean,
): { status: number; bytes: Uint8Array } {
  const status = v.type === "return" ? v.status : v.code;
  const body = v.type === "return" ? new TextEncoder().encode(v.body) : new Uint8Array(0);
  const reason = (REDIRECT_CODES.has(status) ? messageReason(status) : undefined) ??
    statusReason(status);
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  if (v.type === "redirect") {
    head += `content-length: 0\r\nlocation: ${v.location}\r\n`;
    // as HAProxy: temporary redirects are not to be cached; 301 and 308 may be
    if (status !== 301 && status !== 308) head += "cache-control: no-cache\r\n";
  } else {
    // as HAProxy: the return's own fields, then content-length and content-type
    let type = "";
    for (const [name, value] of v.headers) {
      if (name === "content-type") type = `${name}: ${value}\r\n`;
      else head += `${name}: ${value}\r\n`;
    }
    head += `content-length: ${body.length}\r\n${type}`;
  }
  if (!keepAlive) head += "connection: close\r\n";
  else if (req.minor === 0) head += "connection: keep-alive\r\n";
  head += "\r\n";
  const h = encodeLatin1(head);
  if (req.method === "HEAD" || body.length === 0) return { status, bytes: h };
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  return { status, bytes: out };
}

/**
 * Phase "http-response rules": rewrites change `res` in place (a new status without a reason gets
 * the standard one). Returns the status and log reason when a rule denies the response.
 */
export function runResponseRules(
  rules: readonly HttpRule[],
  ctx: SampleContext,
  req: RequestHead,
  res: ResponseHead,
): { status: number; reason: string } | null {
  if (rules.length === 0) return null;
  const before = res.status;
  ctx.res = res; // live: a set-status is seen by the rules after it
  // as HAProxy: variables of the "req" scope live only while the request is processed
  for (const name of ctx.vars.keys()) if (name.startsWith("req.")) ctx.vars.delete(name);
  const v = evaluateHttpRules(rules, { ctx, req, res });
  if (v?.type === "deny") {
    return {
      status: v.status,
      reason: v.status === 500 ? "rewrite failed" : "denied by http-response rule",
    };
  }
  if (res.status !== before && res.reason === "") res.reason = reasonPhrase(res.status);
  return null;
}
