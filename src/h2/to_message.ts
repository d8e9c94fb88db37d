/** An HTTP/2 request's field section as the version-neutral RequestHead, and a response head as HTTP/2 fields (RFC 9113 §8.2-§8.3). */
import type { HeaderField, RequestHead, ResponseHead } from "../http1/types.ts";
import type { FieldToEncode } from "./hpack_encoder.ts";
import type { CheckedRequest } from "./request_check.ts";

/**
 * The request as the rules, the balancer and the transaction read it: `:method` → method, `:path`
 * (CONNECT: `:authority`) → target, `:scheme` kept, `:authority` → a `host` field first when none
 * was sent (request_check.ts refused a differing one), cookie fields joined with "; " (§8.2.3)
 * into one field after the others (where HAProxy puts it),
 * `headLength` the section's §4.1 size. Version 2, minor 1: HTTP/1.1 semantics.
 */
export function toRequestHead(
  checked: CheckedRequest,
  fields: readonly HeaderField[],
): RequestHead {
  const p = checked.pseudo;
  // HTTP/1.1 needs a Host: the authority, or empty when there is none (RFC 9112 §3.2), first
  const headers: HeaderField[] = checked.hasHost ? [] : [hostField(p.authority)];
  let size = 0;
  let cookie: HeaderField | null = null;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    size += f.name.length + f.value.length + 32;
    if (f.name.charCodeAt(0) === 0x3a) continue;
    if (f.lname === "cookie") {
      if (cookie !== null) {
        cookie.value += "; " + f.value;
        continue;
      }
      cookie = { name: f.name, lname: f.lname, value: f.value };
      continue;
    }
    headers.push(f);
  }
  if (cookie !== null) headers.push(cookie); // last, as HAProxy places the joined field
  return {
    kind: "request",
    method: p.method,
    target: p.method === "CONNECT" ? p.authority : p.path,
    minor: 1,
    version: 2,
    headers,
    headLength: size,
    scheme: p.scheme,
  };
}

/** The host field made from the last :authority (fields are never mutated: shared while it repeats). */
let lastHost: HeaderField = { name: "host", lname: "host", value: "" };

function hostField(authority: string): HeaderField {
  if (lastHost.value !== authority) lastHost = { name: "host", lname: "host", value: authority };
  return lastHost;
}

/** Fields with a meaning only for one HTTP/1.1 connection, never sent in HTTP/2 (§8.2.2). */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

/**
 * A response head as HTTP/2 fields: `:status` first, names lower-cased (the head's fields are
 * passed as they are: the encoder sends `lname`), connection-specific fields and those the
 * Connection field names dropped.
 */
export function responseFields(res: ResponseHead): FieldToEncode[] {
  const out: FieldToEncode[] = [statusField(res.status)];
  const headers = res.headers;
  let named: string[] | null = null;
  for (let i = 0; i < headers.length; i++) {
    const f = headers[i]!;
    // "keep-alive" names a field dropped anyway: the common value costs no split
    if (f.lname === "connection" && f.value.toLowerCase() !== "keep-alive") {
      for (const t of f.value.split(",")) (named ??= []).push(t.trim().toLowerCase());
    }
  }
  for (let i = 0; i < headers.length; i++) {
    const f = headers[i]!;
    if (CONNECTION_SPECIFIC.has(f.lname) || (named !== null && named.includes(f.lname))) continue;
    out.push(f);
  }
  return out;
}

/** `:status` of each status 100-999 as a field, built once (an array read per response, no object). */
const STATUS_FIELDS: readonly FieldToEncode[] = Array.from(
  { length: 1000 },
  (_, i) => ({ name: ":status", value: String(i) }),
);

/** The `:status` field (shared for the usual three-digit statuses: never mutated). */
function statusField(status: number): FieldToEncode {
  return status >= 100 && status <= 999 && Number.isInteger(status)
    ? STATUS_FIELDS[status]!
    : { name: ":status", value: String(status) };
}

/** Trailer fields (of a chunked body) as HTTP/2 fields: names lower-cased, connection-specific ones dropped. */
export function trailerFields(fields: readonly HeaderField[]): FieldToEncode[] {
  const out: FieldToEncode[] = [];
  for (const f of fields) {
    if (!CONNECTION_SPECIFIC.has(f.lname)) out.push({ name: f.lname, value: f.value });
  }
  return out;
}
