/** A Hono app as a local service: the request head and body become a fetch Request, `app.fetch`'s Response the answer. */
import type { LocalService, ServiceAnswer, ServiceRequest } from "../../proxy/http/service.ts";
import { fieldOf } from "./basic_auth.ts";

/** What the bridge needs of an app (Hono's `fetch`). */
export interface FetchApp<E> {
  fetch(request: Request, env: E): Response | Promise<Response>;
}

export class FetchService<E> implements LocalService {
  readonly name: string;
  readonly #app: FetchApp<E>;
  readonly #env: (req: ServiceRequest) => E;

  constructor(name: string, app: FetchApp<E>, env: (req: ServiceRequest) => E) {
    this.name = name;
    this.#app = app;
    this.#env = env;
  }

  async serve(req: ServiceRequest): Promise<ServiceAnswer> {
    const h = req.head;
    const host = fieldOf(h.headers, "host") ?? "localhost";
    const url = h.target.startsWith("/") ? `http://${host}${h.target}` : h.target;
    const headers = new Headers();
    for (const f of h.headers) headers.append(f.name, f.value);
    const hasBody = h.method !== "GET" && h.method !== "HEAD";
    const request = new Request(url, {
      method: h.method,
      headers,
      ...(hasBody ? { body: req.body as Uint8Array<ArrayBuffer> } : {}),
    });
    const res = await this.#app.fetch(request, this.#env(req));
    const out: [string, string][] = [];
    res.headers.forEach((v, k) => out.push([k, v]));
    return { status: res.status, headers: out, body: new Uint8Array(await res.arrayBuffer()) };
  }
}
