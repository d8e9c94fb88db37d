/** The frontend as a TCP session sees it: limits, rules, backends, logging, release. */
import type { Backend } from "../../backend/backend.ts";
import type { AccessRecord } from "../../log/access.ts";
import type { BackendHttpRules, FrontendRules } from "../../rules/rule_sets.ts";
import type { Runtime } from "../../runtime/types.ts";
import type { ContextOwner } from "../session/l4_context.ts";
import type { FrontendCounters } from "../../stats/counters.ts";

/** What a session needs from the frontend that accepted it. */
export interface SessionOwner extends ContextOwner {
  readonly name: string;
  readonly clientTimeout: number;
  readonly runtime: Runtime;
  /** The backend when no useBackend rule picks one. */
  readonly backend: Backend;
  readonly rules: FrontendRules | null;
  backendNamed(name: string): Backend | undefined;
  /** Backend `name`'s own rules (its tcp-request content rules), if it has any. */
  backendRules(name: string): BackendHttpRules | undefined;
  /** Most payload bytes buffered while content rules inspect it (tune.bufsize). */
  readonly inspectBuffer: number;
  /** Called once when the session is over (both sockets closed). */
  release(session: object): void;
  /** The frontend's counters. */
  readonly counters: FrontendCounters;
  /** Connections open on this frontend, and in the process (for logs). */
  readonly cur: number;
  readonly processCur: number;
  /** False when the frontend's access log is off: sessions then build no records. */
  readonly logsAccess: boolean;
  logAccess(record: AccessRecord): void;
}
