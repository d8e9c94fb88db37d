/** A whole HTTP/1.1 response of the proxy's own (error page, errorfile, a rule's or service's answer) split into its head and body, for an HTTP/2 stream. */
import { HeadReader } from "../../http1/head_reader.ts";
import { getHeader } from "../../http1/headers.ts";
import { parseResponseHead } from "../../http1/parse.ts";
import type { ResponseHead } from "../../http1/types.ts";

/** Long enough for any errorfile head. */
const LIMITS = { maxRequestLine: 65536, maxHead: 65536, maxHeaders: 1000 };

/**
 * The head and the body of `bytes`; the body is what follows the head, cut at its Content-Length.
 * A response that does not parse (a broken errorfile) becomes a bare 500.
 */
export function splitAnswer(bytes: Uint8Array): { head: ResponseHead; body: Uint8Array } {
  const step = new HeadReader(LIMITS, "response").push(bytes);
  const parsed = step.state === "head" ? parseResponseHead(step.head, LIMITS) : null;
  if (step.state !== "head" || parsed === null || !parsed.ok) {
    return {
      head: { kind: "response", minor: 1, status: 500, reason: "", headers: [], headLength: 0 },
      body: new Uint8Array(0),
    };
  }
  const cl = getHeader(parsed.head.headers, "content-length");
  const n = cl !== undefined && /^\d+$/.test(cl) ? Math.min(Number(cl), step.rest.length) : -1;
  return { head: parsed.head, body: n >= 0 ? step.rest.subarray(0, n) : step.rest };
}
