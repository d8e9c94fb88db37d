/** fast-check generators of valid HTTP/1.1 requests and responses, with their expected heads and bodies. */
import fc from "fast-check";
import { serializeRequestHead, serializeResponseHead } from "../../../src/http1/serialize.ts";
import type { HeaderField, RequestHead, ResponseHead } from "../../../src/http1/types.ts";

/** One generated message: its bytes and what the codec must find in them. */
export interface Generated<H> {
  head: H;
  bytes: Uint8Array;
  /** Raw body bytes (chunk framing included) and decoded body length. */
  bodyBytes: number;
  dataLength: number;
}

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const RESERVED = new Set(["host", "content-length", "transfer-encoding"]);

function chars(from: number, to: number, except = ""): string {
  let s = "";
  for (let c = from; c <= to; c++) {
    if (!except.includes(String.fromCharCode(c))) s += String.fromCharCode(c);
  }
  return s;
}

function stringOf(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
}

const token = stringOf(TCHARS, 1, 12);
const PATH_CHARS = chars(0x21, 0x7e, "#");
const VALUE_CHARS = chars(0x21, 0x7e) + chars(0x80, 0xff) + " \t";
const HOST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-.";

const host = fc.tuple(stringOf(HOST_CHARS, 1, 15), fc.option(fc.integer({ min: 0, max: 65535 })))
  .map(([h, port]) => (port === null ? h : `${h}:${port}`));

const method = fc.oneof(
  fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
  token.filter((t) => t !== "CONNECT"),
);

/** A target for a request whose Host is `h`: origin-form, or absolute-form naming `h` (as it must). */
function target(h: string): fc.Arbitrary<string> {
  return fc.oneof(
    stringOf(PATH_CHARS, 0, 40).map((p) => "/" + p),
    fc.tuple(fc.constantFrom("http://", "https://", "HTTP://"), stringOf(PATH_CHARS, 0, 20))
      .map(([s, p]) => s + h + "/" + p),
  );
}

const value = stringOf(VALUE_CHARS, 0, 30).map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ""));

function field(name: string, v: string): HeaderField {
  return { name, lname: name.toLowerCase(), value: v };
}

const fields = fc.array(
  fc.tuple(token.filter((t) => !RESERVED.has(t.toLowerCase())), value).map(([n, v]) => field(n, v)),
  { maxLength: 10 },
);

const extension = fc.oneof(
  token.map((n) => `;${n}`),
  fc.tuple(token, token).map(([n, v]) => `;${n}=${v}`),
  fc.tuple(token, stringOf(chars(0x20, 0x7e, '"\\') + "\t\xe9", 0, 10), fc.boolean())
    .map(([n, v, esc]) => `;${n}="${v}${esc ? '\\"' : ""}"`),
);

/** A chunked body: its raw text (latin1) and data length. */
const chunkedBody = fc.tuple(
  fc.array(
    fc.tuple(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.array(extension, { maxLength: 2 }),
      fc.boolean(),
    ),
    { maxLength: 5 },
  ),
  fc.array(extension, { maxLength: 2 }),
  fc.array(fc.tuple(token, value), { maxLength: 3 }),
).map(([chunks, lastExt, trailers]) => {
  let raw = "";
  let data = 0;
  for (const [bytes, exts, upper] of chunks) {
    const size = bytes.length.toString(16);
    raw += (upper ? size.toUpperCase() : size) + exts.join("") + "\r\n";
    raw += String.fromCharCode(...bytes) + "\r\n";
    data += bytes.length;
  }
  raw += "0" + lastExt.join("") + "\r\n";
  for (const [n, v] of trailers) raw += `${n}: ${v}\r\n`;
  return { raw: raw + "\r\n", data };
});

/** A body as the framing field to add, its raw text and its data length. */
function body(
  allowChunked: boolean,
): fc.Arbitrary<{ field: HeaderField | null; raw: string; data: number }> {
  const none = fc.constant({ field: null, raw: "", data: 0 });
  const length = fc.uint8Array({ maxLength: 100 }).map((b) => ({
    field: field("Content-Length", String(b.length)),
    raw: String.fromCharCode(...b),
    data: b.length,
  }));
  const chunked = chunkedBody.map((c) => ({ ...c, field: field("Transfer-Encoding", "chunked") }));
  return allowChunked ? fc.oneof(none, length, chunked) : fc.oneof(none, length);
}

function finish<H extends RequestHead | ResponseHead>(
  head: H,
  serialize: (h: H) => Uint8Array,
  b: { raw: string; data: number },
): Generated<H> {
  const headBytes = serialize(head);
  head.headLength = headBytes.length;
  const bytes = new Uint8Array(headBytes.length + b.raw.length);
  bytes.set(headBytes);
  for (let i = 0; i < b.raw.length; i++) bytes[headBytes.length + i] = b.raw.charCodeAt(i);
  return { head, bytes, bodyBytes: b.raw.length, dataLength: b.data };
}

/** A valid request: Host when HTTP/1.1 (sometimes in 1.0), random fields, maybe a CL or chunked body. */
export const request: fc.Arbitrary<Generated<RequestHead>> = fc
  .tuple(fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>, method, host, fc.boolean(), fields)
  .chain(([minor, m, h, hostIn10, fs]) =>
    fc.tuple(target(h), body(minor === 1)).map(([t, b]) => {
      const headers = minor === 1 || hostIn10 ? [field("Host", h), ...fs] : [...fs];
      if (b.field) headers.splice(Math.floor(headers.length / 2), 0, b.field);
      const head: RequestHead = {
        kind: "request",
        method: m,
        target: t,
        minor,
        version: 1,
        headers,
        headLength: 0,
      };
      return finish(head, serializeRequestHead, b);
    })
  );

/** A valid response to GET with a CL or chunked body (never read-until-close, so it can be pipelined). */
export const response: fc.Arbitrary<Generated<ResponseHead>> = fc
  .tuple(
    fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>,
    fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    stringOf(chars(0x20, 0x7e) + "\t\xe9", 0, 20),
    fields,
  )
  .chain(([minor, status, reason, fs]) =>
    body(minor === 1).filter((b) => b.field !== null).map((b) => {
      const headers = [...fs, b.field!];
      const head: ResponseHead = {
        kind: "response",
        minor,
        status,
        reason,
        headers,
        headLength: 0,
      };
      return finish(head, serializeResponseHead, b);
    })
  );
