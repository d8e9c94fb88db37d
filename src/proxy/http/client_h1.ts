/** The client side of an HTTP/1 connection: the response as bytes on the socket, the head and the first body bytes in one write when they are small. */
import type { RequestHead, ResponseHead } from "../../http1/types.ts";
import type { Socket } from "../../runtime/types.ts";
import type { ClientSide } from "./client_side.ts";
import { buildResponseHead, concat } from "./heads.ts";

/** Body bytes at most copied behind the head so that both go in one write. */
const COPY_LIMIT = 16 * 1024;

/** One per HTTP/1 connection, shared by its transactions in turn. */
export class Http1ClientSide implements ClientSide {
  readonly #client: Socket;
  headBytes = 0;

  constructor(client: Socket) {
    this.#client = client;
  }

  answer(bytes: Uint8Array): void {
    this.#client.write(bytes);
  }

  interim(_res: ResponseHead, raw: Uint8Array): void {
    this.#client.write(raw);
  }

  head(
    res: ResponseHead,
    req: RequestHead,
    keepAlive: boolean,
    switching: boolean,
    body: Uint8Array,
  ): boolean {
    const head = buildResponseHead(res, req, keepAlive, switching);
    this.headBytes = head.length;
    if (body.length === 0) return this.#client.write(head);
    // one write for a small response (a second write costs more than the copy); a large first
    // chunk is not copied (a 64 KiB copy per response doubled the garbage of the 64 KiB bench row)
    if (body.length <= COPY_LIMIT) return this.#client.write(concat([head, body]));
    this.#client.write(head);
    return this.#client.write(body);
  }

  body(bytes: Uint8Array): boolean {
    return this.#client.write(bytes);
  }
}
