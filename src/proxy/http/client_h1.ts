/** The client side of an HTTP/1 connection: the response as bytes on the socket, the head and the first body bytes in one write. */
import type { RequestHead, ResponseHead } from "../../http1/types.ts";
import type { Socket } from "../../runtime/types.ts";
import type { ClientSide } from "./client_side.ts";
import { buildResponseHead, concat } from "./heads.ts";

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
    return this.#client.write(body.length === 0 ? head : concat([head, body]));
  }

  body(bytes: Uint8Array): boolean {
    return this.#client.write(bytes);
  }
}
