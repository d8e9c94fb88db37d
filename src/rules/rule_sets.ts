/** The compiled rule lists a frontend and a backend carry into the data path, in the order the transaction runs them. */
import type { TcpRules } from "./actions/tcp.ts";
import type { BackendRule, HttpRule } from "./actions/types.ts";
import type { StickTable } from "../stick/table.ts";

/** The compiled rules of one frontend, in the order the transaction runs them. */
export interface FrontendRules {
  request: HttpRule[];
  response: HttpRule[];
  backends: BackendRule[];
  tcp: TcpRules;
  /** The proxy's stick tables by name, when it has any (rules track and read them). */
  stick?: ReadonlyMap<string, StickTable> | null;
}

/** True when the frontend has any rule to run (the transaction then builds a sample context). */
export function hasRules(r: FrontendRules): boolean {
  return (r.stick?.size ?? 0) + r.request.length + r.response.length + r.backends.length +
      r.tcp.content.length +
      r.tcp.connection.length > 0;
}

/** A backend's own rules: tcp-request content, then http-request (after the frontend's request rules), and http-response (before the frontend's). */
export interface BackendHttpRules {
  request: HttpRule[];
  response: HttpRule[];
  /** Its tcp-request content rules (and inspect-delay), when it has any. */
  tcp?: TcpRules;
}
