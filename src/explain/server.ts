/** The server a backend's balancer would pick for a request: the real balancer on a fresh Backend, its key recorded. */
import type { Backend } from "../backend/backend.ts";
import type { Server } from "../backend/server.ts";
import type { RequestHead } from "../http1/types.ts";
import { type BalanceSpec, isHashed } from "../lb/registry.ts";
import type { HashType, PickContext, PickHttp } from "../lb/types.ts";
import { readPersistCookie } from "../proxy/http/cookie.ts";
import { httpPickContext } from "../proxy/http/pick_view.ts";
import type { ServerChoice } from "./types.ts";

/** What a balancer read of the request while it picked: `header authorization "x"`, `path "/a"`. */
class RecordingView implements PickHttp {
  readonly #inner: PickHttp;
  readonly reads: { what: string; value: string | undefined }[] = [];

  constructor(inner: PickHttp) {
    this.#inner = inner;
  }

  #note<T extends string | undefined>(what: string, value: T): T {
    this.reads.push({ what, value });
    return value;
  }

  get method(): string {
    return this.#note("method", this.#inner.method);
  }
  get path(): string {
    return this.#note("path", this.#inner.path);
  }
  get query(): string {
    return this.#note("query", this.#inner.query);
  }
  get target(): string | undefined {
    return this.#note("uri", this.#inner.target);
  }
  header(lname: string): string | undefined {
    return this.#note(`header ${lname}`, this.#inner.header(lname));
  }
}

/** The balance line as written in HAProxy's syntax (`hdr(authorization)`, `uri depth 2`), with its hash type. */
export function balanceText(spec: BalanceSpec, hashType: HashType): string {
  let text: string;
  switch (spec.name) {
    case "hdr":
      text = `hdr(${spec.header})${spec.useDomainOnly ? " use_domain_only" : ""}`;
      break;
    case "url_param":
      text = `url_param ${spec.param}`;
      break;
    case "hash":
      text = `hash ${spec.fetch}${spec.arg === undefined ? "" : `(${spec.arg})`}`;
      break;
    case "uri":
      text = ["uri", spec.len ? `len ${spec.len}` : "", spec.depth ? `depth ${spec.depth}` : ""]
        .concat(spec.whole ? "whole" : "", spec.pathOnly ? "path-only" : "")
        .filter((w) => w !== "").join(" ");
      break;
    case "random":
      text = spec.draws === 2 ? "random" : `random(${spec.draws})`;
      break;
    default:
      text = spec.name;
  }
  return isHashed(spec) ? `${text} (hash-type ${hashType})` : text;
}

function address(s: Server): string {
  return `${s.host.includes(":") ? `[${s.host}]` : s.host}:${s.port}`;
}

/** The servers that may take a request now: usable active ones, else usable backups. */
function candidatesOf(be: Backend): Server[] {
  const active = be.servers.filter((s) => !s.backup && s.usable);
  return active.length > 0 ? active : be.servers.filter((s) => s.backup && s.usable);
}

/**
 * The server for `req` from client `src`: a persistence cookie's, else the balancer's pick on
 * `be`, which must be fresh (built from the plan, nothing picked yet) so that a round-robin says
 * where it starts. Hashed algorithms are exact when the key is there.
 */
export function explainServer(
  be: Backend,
  /** Another fresh Backend like `be`: picked from again to see whether the key decides. */
  probe: () => Backend,
  req: RequestHead,
  src: string,
  spec: BalanceSpec,
  hashType: HashType,
): ServerChoice {
  const algorithm = balanceText(spec, hashType);
  const candidates = candidatesOf(be).map((s) => s.name);
  if (be.cookie !== null) {
    const named = readPersistCookie(be.cookie, be.servers, req.headers).server;
    if (named?.acceptsPersistent) {
      const why = `cookie ${be.cookie.name} names server ${named.name}`;
      return { name: named.name, address: address(named), algorithm, exact: true, why, candidates };
    }
  }
  const base = httpPickContext(req, src);
  const view = new RecordingView(base.http!);
  let srcRead = false;
  const ctx: PickContext = {
    get src() {
      srcRead = true;
      return src;
    },
    http: view,
  };
  const server = be.pick(ctx);
  const read = view.reads.filter((r) => r.what !== "method");
  const keys = [
    ...(srcRead ? [`source ${src}`] : []),
    ...read.map((r) => `${r.what} ${r.value === undefined ? "(none)" : JSON.stringify(r.value)}`),
  ];
  // with its key a hash picks the same server every time; without, it falls back to round-robin
  const again = probe();
  let keyFound = true;
  for (let i = 0; i < candidates.length && keyFound; i++) {
    keyFound = again.pick(httpPickContext(req, src))?.name === server?.name;
  }
  const at = server === null ? "none is usable" : `server ${server.name}`;
  let why: string, exact: boolean;
  if (candidates.length === 1 && server !== null) {
    exact = true;
    why = `the only usable server → ${at}`;
  } else if (isHashed(spec) && keyFound) {
    exact = true;
    why = `key taken from ${keys.join(", ")} → ${at}`;
  } else if (isHashed(spec)) {
    exact = false;
    why = `no key in the request (${keys.join(", ") || "nothing read"}): round-robin, ` +
      `which starts with ${at}`;
  } else if (spec.name === "first") {
    exact = true;
    why = `the first server by id under its maxconn → ${at}`;
  } else {
    exact = false;
    why = `${spec.name} depends on the traffic so far; on a fresh start it begins with ${at}`;
  }
  return {
    name: server?.name ?? null,
    address: server === null ? null : address(server),
    algorithm,
    exact,
    why,
    candidates,
  };
}
