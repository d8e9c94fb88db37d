/** A request on its way to a local service: its body gathered (de-chunked, bounded), the answer serialized. */
import { ChunkedParser } from "../../http1/chunked.ts";
import { statusReason } from "../../http1/reasons.ts";
import { encodeLatin1 } from "../../http1/serialize.ts";
import type { BodyFraming, RequestHead } from "../../http1/types.ts";
import { concat } from "./heads.ts";
import { type LocalService, MAX_SERVICE_BODY, type ServiceAnswer } from "./service.ts";

/** Fields a service may not set: the transaction frames the answer itself. */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection"]);

export class ServiceCall {
  readonly service: LocalService;
  #parts: Uint8Array[] = [];
  #size = 0;
  /** A chunked body's decoder (the meter validates; this one only hands out the data). */
  #chunked: ChunkedParser | null;

  constructor(service: LocalService, framing: BodyFraming) {
    this.service = service;
    this.#chunked = framing.type === "chunked" ? new ChunkedParser("request") : null;
  }

  /** True when the declared body is already over the limit (answered 413 before reading it). */
  static tooLarge(framing: BodyFraming): boolean {
    return framing.type === "length" && framing.length > MAX_SERVICE_BODY;
  }

  /** Takes validated body bytes; false once the body went over the limit. */
  take(bytes: Uint8Array): boolean {
    if (this.#chunked === null) this.#add(bytes);
    else this.#chunked.feed(bytes, (d) => this.#add(d.slice()));
    return this.#size <= MAX_SERVICE_BODY;
  }

  #add(d: Uint8Array): void {
    this.#size += d.length;
    if (this.#size <= MAX_SERVICE_BODY) this.#parts.push(d);
  }

  get body(): Uint8Array {
    return this.#parts.length === 1 ? this.#parts[0]! : concat(this.#parts);
  }
}

/** The answer as bytes on the wire: status line, the service's fields, our framing, the body. */
export function serializeAnswer(a: ServiceAnswer, req: RequestHead, keep: boolean): Uint8Array {
  const body = typeof a.body === "string" ? new TextEncoder().encode(a.body) : a.body;
  let head = `HTTP/1.1 ${a.status} ${statusReason(a.status) ?? "Unknown"}\r\n`;
  for (const [name, value] of a.headers) {
    if (!FRAMING.has(name.toLowerCase())) head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${body.length}\r\n`;
  if (!keep) head += "connection: close\r\n";
  else if (req.minor === 0) head += "connection: keep-alive\r\n";
  const h = encodeLatin1(head + "\r\n");
  return req.method === "HEAD" || body.length === 0 ? h : concat([h, body]);
}
