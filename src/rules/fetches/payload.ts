/** Payload fetches (TCP content inspection): length, raw bytes, TLS ClientHello fields, HTTP detection. */
import {
  type ClientHello,
  type ClientHelloResult,
  handshakeType,
  parseClientHello,
} from "../../tls/client_hello.ts";
import { intArg } from "../_prepare.ts";
import { ArgumentError, defineFetch, type FetchDef, type SampleContext } from "../types.ts";

/**
 * Marks the answer as one that more bytes could change (HAProxy's SMP_F_MAY_CHANGE): only while
 * the session inspects a payload and still waits for more of it.
 */
function mayChange(ctx: SampleContext): void {
  if (ctx.payload !== undefined && ctx.final !== true) ctx.mayChange = true;
}

/**
 * The last parse per buffer: every TLS fetch of a rule set reads the same payload, which the
 * session replaces (never grows in place) when bytes arrive; the length guards against reuse.
 */
const hellos = new WeakMap<Uint8Array, { length: number; result: ClientHelloResult }>();

function clientHello(payload: Uint8Array): ClientHelloResult {
  const known = hellos.get(payload);
  if (known !== undefined && known.length === payload.length) return known.result;
  const result = parseClientHello(payload);
  hellos.set(payload, { length: payload.length, result });
  return result;
}

/** A value read from the ClientHello: undefined (and may change) while it is incomplete. */
function fromHello<T>(ctx: SampleContext, read: (h: ClientHello) => T | undefined): T | undefined {
  if (ctx.payload === undefined) return undefined;
  const r = clientHello(ctx.payload);
  if (r.kind === "hello") return read(r);
  if (r.kind === "incomplete") mayChange(ctx);
  return undefined;
}

/** Bytes `[at, at + len)` of the payload (a copy), undefined and may change when not all there. */
function bytesAt(ctx: SampleContext, at: number, len: number): Uint8Array | undefined {
  const p = ctx.payload;
  if (p === undefined) return undefined;
  if (at + len > p.length) {
    mayChange(ctx);
    return undefined;
  }
  return p.slice(at, at + len);
}

interface LvArgs {
  /** Where the length field starts and its size in bytes. */
  at: number;
  size: number;
  /** Where the data starts: absolute, or relative to the end of the length field. */
  data: number;
  relative: boolean;
}

function lvArgs(a: readonly string[]): LvArgs {
  const at = intArg(a[0]!, 0, "offset1", 0);
  const size = intArg(a[1]!, 1, "length (the size of the length field)", 1, 4);
  const t = a[2];
  if (t === undefined || t === "") return { at, size, data: 0, relative: true };
  const data = intArg(t, 2, "offset2");
  const relative = t[0] === "+" || t[0] === "-";
  if (relative && at + size + data < 0) {
    throw new ArgumentError(`offset2 "${t}" points before the start of the payload`, 2);
  }
  return { at, size, data, relative };
}

const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[c.charCodeAt(0)] = 1;
}
const VERSION = [..."HTTP/1."].map((c) => c.charCodeAt(0));

/**
 * Whether `b` starts with an HTTP/1.x request line (`token SP target SP HTTP/1.d` then CR or
 * LF, after optional empty lines): "more" while every byte so far fits one.
 */
function requestLine(b: Uint8Array): "yes" | "no" | "more" {
  const n = b.length;
  let i = 0;
  while (i < n && (b[i] === 0x0d || b[i] === 0x0a)) i++;
  const method = i;
  while (i < n && TCHAR[b[i]!] === 1) i++;
  if (i === n) return "more";
  if (i === method || b[i++] !== 0x20) return "no";
  const target = i;
  while (i < n && b[i]! > 0x20 && b[i] !== 0x7f) i++;
  if (i === n) return "more";
  if (i === target || b[i++] !== 0x20) return "no";
  for (const c of VERSION) {
    if (i === n) return "more";
    if (b[i++] !== c) return "no";
  }
  if (i === n) return "more";
  if (b[i]! < 0x30 || b[i]! > 0x39) return "no";
  if (++i === n) return "more";
  return b[i] === 0x0d || b[i] === 0x0a ? "yes" : "no";
}

/** Fetches over the buffered request payload; the session fills `payload`, `waitEnd` and `final`. */
export const PAYLOAD_FETCHES: readonly FetchDef[] = [
  defineFetch({
    name: "req.len",
    aliases: ["req_len"],
    args: [],
    type: "int",
    needs: "payload",
    // As HAProxy: the length so far, which more bytes change.
    fetch: (ctx) => {
      mayChange(ctx);
      return ctx.payload?.length ?? 0;
    },
  }),
  defineFetch<{ at: number; len: number }>({
    name: "req.payload",
    aliases: ["payload"],
    args: ["offset", "length"],
    type: "bin",
    needs: "payload",
    prepare: (a) => ({ at: intArg(a[0]!, 0, "offset", 0), len: intArg(a[1]!, 1, "length", 0) }),
    fetch: (ctx, { at, len }) => {
      if (len > 0) return bytesAt(ctx, at, len);
      // Length 0: from the offset to the end of what is buffered, which may still grow.
      const p = ctx.payload;
      if (p !== undefined) mayChange(ctx);
      return p === undefined || at > p.length ? undefined : p.slice(at);
    },
  }),
  defineFetch<LvArgs>({
    name: "req.payload_lv",
    aliases: ["payload_lv"],
    args: ["offset1", "length", "offset2?"],
    type: "bin",
    needs: "payload",
    prepare: lvArgs,
    fetch: (ctx, { at, size, data, relative }) => {
      const field = bytesAt(ctx, at, size);
      if (field === undefined) return undefined;
      let len = 0;
      for (let i = 0; i < size; i++) len = len * 256 + field[i]!;
      // A zero length never matches, whatever comes next.
      return len === 0 ? undefined : bytesAt(ctx, relative ? at + size + data : data, len);
    },
  }),
  defineFetch({
    name: "req.proto_http",
    aliases: ["req_proto_http"],
    args: [],
    type: "bool",
    needs: "payload",
    fetch: (ctx) => {
      // In HTTP mode the session parsed the request itself.
      if (ctx.req !== undefined) return true;
      const p = ctx.payload;
      if (p === undefined) return false;
      const r = requestLine(p);
      if (r !== "more") return r === "yes";
      if (ctx.final === true) return false;
      mayChange(ctx);
      return undefined;
    },
  }),
  defineFetch({
    name: "req.ssl_hello_type",
    aliases: ["req_ssl_hello_type"],
    args: [],
    type: "int",
    needs: "payload",
    fetch: (ctx) => {
      if (ctx.payload === undefined) return undefined;
      const r = handshakeType(ctx.payload);
      if (r.kind === "handshake") return r.type;
      if (r.kind === "incomplete") mayChange(ctx);
      return undefined;
    },
  }),
  defineFetch({
    name: "req.ssl_ver",
    aliases: ["req_ssl_ver"],
    args: [],
    type: "int",
    needs: "payload",
    // HAProxy's encoding: major << 16 | minor of the hello's legacy_version (3.3 = 196611 for
    // TLS 1.2 and 1.3 clients alike).
    fetch: (ctx) => fromHello(ctx, (h) => ((h.helloVersion >> 8) << 16) | (h.helloVersion & 0xff)),
  }),
  defineFetch({
    name: "req.ssl_sni",
    aliases: ["req_ssl_sni"],
    args: [],
    type: "str",
    needs: "payload",
    fetch: (ctx) => fromHello(ctx, (h) => h.sni),
  }),
  defineFetch({
    name: "req.ssl_alpn",
    args: [],
    type: "str",
    needs: "payload",
    // The client's preferred protocol; ACLs try each one offered.
    fetch: (ctx) => fromHello(ctx, (h) => h.alpn[0]),
    each: (ctx, _args, visit) => {
      const list = fromHello(ctx, (h) => h.alpn) ?? [];
      for (let i = 0; i < list.length; i++) if (visit(list[i]!, ctx)) return true;
      return false;
    },
  }),
  defineFetch({
    name: "req.ssl_ec_ext",
    args: [],
    type: "bool",
    needs: "payload",
    fetch: (ctx) => fromHello(ctx, (h) => h.ecExt),
  }),
  defineFetch({
    name: "req.ssl_st_ext",
    args: [],
    type: "int",
    needs: "payload",
    fetch: (ctx) => fromHello(ctx, (h) => h.sessionTicket),
  }),
  defineFetch({
    name: "wait_end",
    args: [],
    type: "bool",
    needs: "payload",
    // False until no more bytes will be waited for; a rule on it waits rather than fails.
    fetch: (ctx) => {
      if (ctx.waitEnd === true || ctx.final === true) return true;
      ctx.mayChange = true;
      return false;
    },
  }),
];
