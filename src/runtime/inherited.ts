/** The listening sockets a predecessor handed this process (binary upgrade): read once from the environment. */
import { closeSync } from "node:fs";
import process from "node:process";
import type { HandedSocket, InheritedSockets } from "./process_types.ts";

/** The variable naming the handed sockets: JSON `[{ host, port, fd }]` (fds 3, 4, ... in order). */
export const LISTEN_FDS_ENV = "TSPROXY_LISTEN_FDS";

/** Set when this process was started as a successor (the variable was there, even empty). */
let successor = false;

/** Whether a predecessor started this process (and waits for its "ready"). */
export function startedAsSuccessor(): boolean {
  return successor;
}

class HandedOver implements InheritedSockets {
  readonly #left: HandedSocket[];

  constructor(list: HandedSocket[]) {
    this.#left = list;
  }

  get size(): number {
    return this.#left.length;
  }

  take(host: string, port: number): number | undefined {
    const i = this.#left.findIndex((s) => s.host === host && s.port === port);
    if (i < 0) return undefined;
    return this.#left.splice(i, 1)[0]!.fd;
  }

  closeRest(): string[] {
    const closed = this.#left.map((s) => `${s.host}:${s.port}`);
    for (const s of this.#left.splice(0)) {
      try {
        closeSync(s.fd);
      } catch { /* closed already */ }
    }
    return closed;
  }
}

function valid(x: unknown): x is HandedSocket {
  const s = x as HandedSocket;
  return typeof s?.host === "string" && Number.isInteger(s.port) && Number.isInteger(s.fd) &&
    s.fd > 2;
}

/**
 * The sockets named by `TSPROXY_LISTEN_FDS`, which is then removed from the environment (so a
 * process this one starts does not read it again). Throws naming the variable when it is malformed.
 */
export function inheritedFromEnv(): InheritedSockets {
  let text: string | undefined;
  try {
    text = process.env[LISTEN_FDS_ENV];
    delete process.env[LISTEN_FDS_ENV];
  } catch {
    return new HandedOver([]); // Deno without --allow-env: nothing was handed over
  }
  if (text === undefined) return new HandedOver([]);
  successor = true;
  if (text === "") return new HandedOver([]);
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    list = null;
  }
  if (!Array.isArray(list) || !list.every(valid)) {
    throw new Error(`${LISTEN_FDS_ENV}: expected [{ "host", "port", "fd" }], got ${text}`);
  }
  return new HandedOver(list);
}
