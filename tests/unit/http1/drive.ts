/** Runs raw HTTP/1 bytes through the codec as the proxy does (reader, parser, framing, body); no test runner. */
import { ChunkedParser } from "../../../src/http1/chunked.ts";
import { requestFraming, responseFraming } from "../../../src/http1/framing.ts";
import { HeadReader } from "../../../src/http1/head_reader.ts";
import { parseRequestHead, parseResponseHead } from "../../../src/http1/parse.ts";
import { DEFAULT_LIMITS } from "../../../src/http1/types.ts";
import type {
  BodyFraming,
  HeadLimits,
  Rejection,
  RequestHead,
  ResponseHead,
} from "../../../src/http1/types.ts";

/** "ok": every message valid and complete; "incomplete": the input ended inside a message. */
export type Verdict = "ok" | "incomplete" | Rejection["status"];

export interface Message {
  head: RequestHead | ResponseHead;
  framing: BodyFraming;
  /** Raw body bytes (chunk framing included). */
  bodyBytes: number;
  /** Decoded body length (chunk data only for chunked bodies). */
  dataLength: number;
  /** Whether the whole body arrived (a "close" body never is before the input ends). */
  complete: boolean;
}

export interface Outcome {
  verdict: Verdict;
  reason?: string;
  messages: Message[];
}

/** A parsed head without what says where its parts were in the bytes (`raw`, and each field's `at`, `end`, `src`). */
export function semantic<H extends RequestHead | ResponseHead>(head: H): H {
  const { raw: _raw, ...rest } = head;
  return {
    ...rest,
    headers: head.headers.map(({ name, lname, value }) => ({ name, lname, value })),
  } as H;
}

/** The bytes of a latin1 string. */
export function bytesOf(raw: string): Uint8Array {
  const b = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) b[i] = raw.charCodeAt(i);
  return b;
}

/** `bytes` cut at the given offsets (sorted, deduplicated, out-of-range ignored). */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** `bytes` one byte per chunk. */
export function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}

/**
 * Feeds `chunks` to the codec: heads, then bodies by their framing, then the next head. Responses
 * answer GET requests (a "close" body runs to the end of the input).
 */
export function drive(
  kind: "request" | "response",
  chunks: Iterable<Uint8Array>,
  limits: HeadLimits = DEFAULT_LIMITS,
): Outcome {
  const reader = new HeadReader(limits, kind);
  const messages: Message[] = [];
  let current: Message | null = null;
  let remaining = 0;
  let chunked: ChunkedParser | null = null;
  const refuse = (r: Rejection): Outcome => ({ verdict: r.status, reason: r.reason, messages });
  for (const chunk of chunks) {
    let c = chunk;
    while (c.length > 0) {
      if (current === null) {
        const step = reader.push(c);
        if (step.state === "more") break;
        if (step.state === "error") return refuse(step.rejection);
        const parsed = kind === "request"
          ? parseRequestHead(step.head, limits)
          : parseResponseHead(step.head, limits);
        if (!parsed.ok) return refuse(parsed.rejection);
        const framed = parsed.head.kind === "request"
          ? requestFraming(parsed.head)
          : responseFraming(parsed.head, "GET");
        if (!framed.ok) return refuse(framed.rejection);
        current = {
          head: semantic(parsed.head),
          framing: framed.framing,
          bodyBytes: 0,
          dataLength: 0,
          complete: false,
        };
        messages.push(current);
        c = step.rest;
        if (framed.framing.type === "length") remaining = framed.framing.length;
        if (framed.framing.type === "chunked") chunked = new ChunkedParser(kind);
        if (
          framed.framing.type === "none" || (framed.framing.type === "length" && remaining === 0)
        ) {
          current.complete = true;
          current = null;
          continue;
        }
      }
      const f = current.framing.type;
      if (f === "length") {
        const n = Math.min(remaining, c.length);
        remaining -= n;
        current.bodyBytes += n;
        current.dataLength += n;
        c = c.subarray(n);
        if (remaining === 0) {
          current.complete = true;
          current = null;
        }
      } else if (f === "chunked") {
        const n = chunked!.feed(c);
        if (typeof n !== "number") return refuse(n);
        current.bodyBytes += n;
        c = c.subarray(n);
        if (chunked!.done) {
          current.dataLength = chunked!.dataLength;
          current.complete = true;
          current = null;
          chunked = null;
        }
      } else if (f === "close") {
        current.bodyBytes += c.length;
        current.dataLength += c.length;
        c = c.subarray(c.length);
      }
    }
  }
  const midMessage = current !== null && current.framing.type !== "close";
  if (midMessage || reader.buffered > 0 || messages.length === 0) {
    return { verdict: "incomplete", messages };
  }
  return { verdict: "ok", messages };
}
