/** The sample context of a client connection (addresses, frontend), shared by tcp-request rules and the session after them. */
import process from "node:process";
import type { BackendSample, SampleContext } from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import type { ClientConnection } from "./proxy_out.ts";
import type { StickTable } from "../../stick/table.ts";
import type { StickState, Tracker } from "../../stick/tracker.ts";

const env = (name: string) => process.env[name];

/** What a context reads from the frontend: its name, connection count and backends (`nbsrv(x)`). */
export interface ContextOwner {
  readonly name: string;
  readonly cur: number;
  sampleBackend(name: string): BackendSample | undefined;
  /** The frontend's compiled rules: their stick tables go in each context. */
  readonly rules?: { readonly stick?: StickTables | null | undefined } | null;
}

type StickTables = ReadonlyMap<string, StickTable>;

/**
 * The stick state of a new context: the proxy's tables, nothing tracked yet, or under `parent`
 * (what the connection tracked) a request's own tracker; null without tables.
 */
export function stickState(owner: ContextOwner, parent: Tracker | null = null): StickState | null {
  const tables = owner.rules?.stick;
  return tables ? { tables, tracker: parent === null ? null : parent.child() } : null;
}

/**
 * A fresh context for connection `sock` accepted by frontend `owner`; no backend chosen yet.
 * `tracker`: what its tcp-request connection rules tracked (the session goes on with it).
 */
export function connectionContext(
  sock: Socket,
  owner: ContextOwner,
  tracker: Tracker | null = null,
): SampleContext {
  return {
    src: sock.remoteAddress,
    srcPort: sock.remotePort,
    dst: sock.localAddress,
    dstPort: sock.localPort,
    feName: owner.name,
    beName: "",
    feConn: owner.cur,
    backends: (name) => owner.sampleBackend(name),
    vars: new Map(),
    env,
    stick: tracker === null ? stickState(owner) : { tables: owner.rules!.stick!, tracker },
    ...(sock.tls ? { tls: sock.tls } : {}),
    ...ppAuthority(sock),
  };
}

/** The AUTHORITY TLV of an accept-proxy connection's PROXY v2 header, for `fc_pp_authority`. */
export function ppAuthority(sock: Socket): { ppAuthority?: string } {
  const a = (sock as ClientConnection).authority;
  return a === undefined ? {} : { ppAuthority: a };
}
