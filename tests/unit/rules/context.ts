/** Builds SampleContexts for rule tests from raw HTTP heads, through the real HTTP/1 parser. */
import { parseRequestHead, parseResponseHead } from "../../../src/http1/parse.ts";
import { encodeLatin1 } from "../../../src/http1/serialize.ts";
import { DEFAULT_LIMITS } from "../../../src/http1/types.ts";
import type { SampleContext } from "../../../src/rules/mod.ts";

/** A connection-only context (TCP mode): 192.0.2.10:40000 → 198.51.100.1:80, frontend "fe". */
export function l4Context(over: Partial<SampleContext> = {}): SampleContext {
  return {
    src: "192.0.2.10",
    srcPort: 40000,
    dst: "198.51.100.1",
    dstPort: 80,
    feName: "fe",
    beName: "",
    vars: new Map(),
    env: (name) => ({ HOME: "/home/t", ZONE: "eu" } as Record<string, string>)[name],
    ...over,
  };
}

/** Lines joined with CRLF and ended by the empty line, unless the text already has CRLFs. */
function head(raw: string): Uint8Array {
  const text = raw.includes("\r\n") ? raw : raw.trimEnd().split("\n").join("\r\n") + "\r\n\r\n";
  return encodeLatin1(text);
}

/** A context with the request `raw` ("GET / HTTP/1.1\nHost: a\n"); throws if the parser refuses it. */
export function requestContext(raw: string, over: Partial<SampleContext> = {}): SampleContext {
  const r = parseRequestHead(head(raw), DEFAULT_LIMITS);
  if (!r.ok) throw new Error(`test request refused: ${r.rejection.reason}`);
  const { method, target, minor, headers } = r.head;
  return l4Context({ req: { method, target, minor, headers }, ...over });
}

/** A context with a request and the response `rawRes` ("HTTP/1.1 404 Not Found\nServer: x\n"). */
export function responseContext(
  rawReq: string,
  rawRes: string,
  over: Partial<SampleContext> = {},
): SampleContext {
  const r = parseResponseHead(head(rawRes), DEFAULT_LIMITS);
  if (!r.ok) throw new Error(`test response refused: ${r.rejection.reason}`);
  return requestContext(rawReq, {
    res: { status: r.head.status, headers: r.head.headers },
    ...over,
  });
}
