/** Payload fetches (TCP content inspection): only what the predefined ACLs need so far. */
import { defineFetch, type FetchDef } from "../types.ts";

/** Fetches over the buffered request payload; the session fills `payload` and `waitEnd`. */
export const PAYLOAD_FETCHES: readonly FetchDef[] = [
  defineFetch({
    name: "req.len",
    aliases: ["req_len"],
    args: [],
    type: "int",
    needs: "payload",
    fetch: (ctx) => ctx.payload?.length ?? 0,
  }),
  defineFetch({
    name: "req.proto_http",
    aliases: ["req_proto_http"],
    args: [],
    type: "bool",
    needs: "payload",
    // In this proxy the session parses HTTP itself: the request is HTTP once it has one.
    fetch: (ctx) => ctx.req !== undefined,
  }),
  defineFetch({
    name: "wait_end",
    args: [],
    type: "bool",
    needs: "payload",
    fetch: (ctx) => ctx.waitEnd === true,
  }),
];
