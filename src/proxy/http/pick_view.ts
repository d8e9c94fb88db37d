/** What a balancer may read of an HTTP request (PickHttp), computed only when an algorithm asks. */
import { getHeader } from "../../http1/headers.ts";
import type { RequestHead } from "../../http1/types.ts";
import type { PickContext, PickHttp } from "../../lb/types.ts";

class RequestView implements PickHttp {
  readonly #req: RequestHead;
  #split: [string, string] | null = null;

  constructor(req: RequestHead) {
    this.#req = req;
  }

  get method(): string {
    return this.#req.method;
  }

  get target(): string {
    return this.#req.target;
  }

  get path(): string {
    return (this.#split ??= splitTarget(this.#req.target))[0];
  }

  get query(): string {
    return (this.#split ??= splitTarget(this.#req.target))[1];
  }

  header(lname: string): string | undefined {
    return getHeader(this.#req.headers, lname);
  }
}

/** [path, query] of a request target: an absolute URI loses its scheme and authority. */
function splitTarget(target: string): [string, string] {
  let start = 0;
  if (target[0] !== "/") {
    const scheme = target.indexOf("://");
    if (scheme < 0) return [target, ""]; // authority-form or "*"
    const slash = target.indexOf("/", scheme + 3);
    if (slash < 0) {
      const q = target.indexOf("?", scheme + 3);
      return ["/", q < 0 ? "" : target.slice(q + 1)];
    }
    start = slash;
  }
  const q = target.indexOf("?", start);
  return q < 0 ? [target.slice(start), ""] : [target.slice(start, q), target.slice(q + 1)];
}

/** The pick context of one HTTP request from client address `src`. */
export function httpPickContext(req: RequestHead, src: string): PickContext {
  return { src, http: new RequestView(req) };
}
