/** What `tsproxy explain` reports: the request, the frontend, each rule with its result, the backend, server and head. */

/** The request to explain and the connection it arrives on. */
export interface ExplainInput {
  /** The whole request head as the client sends it (request line, fields, empty line). */
  readonly head: Uint8Array;
  /** The client's address and port (default port 40000). */
  readonly src: string;
  readonly srcPort?: number;
  /** The address and port the client connected to; default: the frontend's first bind. */
  readonly dst?: { readonly host: string; readonly port: number };
  /** The TLS server name the client sent (the connection is then TLS). */
  readonly sni?: string;
  /** The frontend by name; default: the one whose bind matches `dst`, else the first HTTP one. */
  readonly frontend?: string;
}

/** One header field added (+) or removed (-), or the request line changed (line). */
export interface HeadChange {
  readonly op: "+" | "-" | "line";
  /** The field name, or for `line` the old request line. */
  readonly name: string;
  /** The field value, or for `line` the new request line. */
  readonly value: string;
  /** Why, when the proxy (not a rule) made the change: "hop-by-hop", "forwardfor", ... */
  readonly why?: string;
}

/** One ACL evaluated for a rule's condition, with the value its fetch read. */
export interface AclResult {
  /** Its name, or "" for an anonymous one (`{ path_beg /a }`). */
  readonly name: string;
  /** The line as written (without the name). */
  readonly test: string;
  readonly result: boolean;
  /** The fetched value, e.g. `path "/api/x"`; "" when not shown (predefined ACLs). */
  readonly value: string;
}

/** One rule of a list as the request met it. */
export interface RuleStep {
  /** Which list: "http-request (frontend web)", "use_backend (frontend web)", ... */
  readonly list: string;
  /** 1-based position in its list. */
  readonly index: number;
  /** The line as written in the config. */
  readonly line: string;
  readonly acls: AclResult[];
  /** Whether its condition held (true without a condition). */
  matched: boolean;
  /** "skipped", "applied", "no change", or the verdict (`deny 403`, `backend api`, ...). */
  outcome: string;
  changes: HeadChange[];
}

/** The server the balancer would pick. */
export interface ServerChoice {
  /** The server's name and address, or null when none is usable. */
  readonly name: string | null;
  readonly address: string | null;
  /** The balance line, e.g. "hdr(authorization)" (with the hash type for hashed ones). */
  readonly algorithm: string;
  /** True when the choice depends on the request alone (a hash with its key, a cookie). */
  readonly exact: boolean;
  /** How it was chosen, e.g. `hash of header authorization "Bearer x"`. */
  readonly why: string;
  /** The servers that may take it (usable, in config order). */
  readonly candidates: string[];
}

/** What the proxy itself answers instead of a server. */
export interface LocalAnswer {
  /** deny, tarpit, return, redirect, auth, reject, silent-drop, service, invalid. */
  readonly kind: string;
  /** 0 when the connection is closed without an answer (reject, silent-drop). */
  readonly status: number;
  readonly why: string;
  /** The response as written (head and body), or "" when nothing is written. */
  readonly response: string;
}

export interface Explanation {
  readonly request: {
    readonly line: string;
    readonly src: string;
    readonly srcPort: number;
    readonly dst: string;
    readonly dstPort: number;
    readonly tls: boolean;
    readonly sni?: string;
  };
  readonly frontend: { readonly name: string; readonly why: string };
  readonly steps: RuleStep[];
  /** Null when the request never reached one (refused before the rules). */
  readonly backend: { readonly name: string; readonly why: string } | null;
  readonly server: ServerChoice | null;
  /** Changes made when the head is sent: compression offload, hop-by-hop, X-Forwarded-*, Via. */
  readonly rewrites: HeadChange[];
  /** The head sent to the server, or null when the proxy answers itself. */
  readonly head: string | null;
  readonly answer: LocalAnswer | null;
}
