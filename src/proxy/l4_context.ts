/** The sample context of a client connection (addresses, frontend), shared by tcp-request rules and the session after them. */
import process from "node:process";
import type { SampleContext } from "../rules/mod.ts";
import type { Socket } from "../runtime/types.ts";

const env = (name: string) => process.env[name];

/** A fresh context for connection `sock` accepted by frontend `feName`; no backend chosen yet. */
export function connectionContext(sock: Socket, feName: string): SampleContext {
  return {
    src: sock.remoteAddress,
    srcPort: sock.remotePort,
    dst: sock.localAddress,
    dstPort: sock.localPort,
    feName,
    beName: "",
    vars: new Map(),
    env,
  };
}
