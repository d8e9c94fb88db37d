/** A request head as the transaction wrote it for HTTP/1.1, as HTTP/2 fields for a server (RFC 9113 §8.3.1): pseudo-fields from the target and Host, connection-specific fields dropped. */
import { listElements } from "../../http1/headers.ts";
import type { RequestHead } from "../../http1/types.ts";
import type { FieldToEncode } from "../../h2/hpack_encoder.ts";

/** Fields with a meaning only for one HTTP/1.1 connection (§8.2.2), and Host (→ :authority). */
const DROPPED = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "host",
  "te",
  "trailer",
]);

/**
 * `:method`, `:scheme` (the absolute-form target's, else https over TLS, http in clear),
 * `:authority` (the absolute-form target's, else Host), `:path` (origin-form, or `*`), then the
 * fields with names lower-cased, minus connection-specific ones and those Connection names; `te`
 * passes only as `trailers` (gRPC needs it). CONNECT has `:method` and `:authority` only.
 */
export function requestFields(req: RequestHead, tls: boolean): FieldToEncode[] {
  const h = req.headers;
  let scheme = tls ? "https" : "http";
  let authority = "";
  let path = req.target;
  if (req.method !== "CONNECT" && !path.startsWith("/") && path !== "*") {
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(path);
    if (m !== null) {
      scheme = m[1]!.toLowerCase();
      authority = m[2]!;
      path = m[3] === "" ? "/" : m[3]!;
    }
  }
  if (authority === "") {
    for (const f of h) {
      if (f.lname === "host") {
        authority = f.value;
        break;
      }
    }
  }
  const out: FieldToEncode[] = [{ name: ":method", value: req.method }];
  if (req.method === "CONNECT") out.push({ name: ":authority", value: req.target });
  else {
    out.push({ name: ":scheme", value: scheme });
    if (authority !== "") out.push({ name: ":authority", value: authority });
    out.push({ name: ":path", value: path });
  }
  const named = h.some((f) => f.lname === "connection") ? listElements(h, "connection") : null;
  for (const f of h) {
    if (DROPPED.has(f.lname) || (named !== null && named.includes(f.lname))) {
      if (f.lname === "te" && hasTrailers(f.value)) out.push({ name: "te", value: "trailers" });
      continue;
    }
    out.push({ name: f.lname, value: f.value });
  }
  return out;
}

function hasTrailers(value: string): boolean {
  for (const t of value.split(",")) {
    if (t.split(";")[0]!.trim().toLowerCase() === "trailers") return true;
  }
  return false;
}
