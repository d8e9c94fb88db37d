/** Shared pieces of the admin API unit tests: a request for a service, a fake runner, a small proxy view. */
import { parseRequestHead } from "../../../../src/http1/parse.ts";
import { encodeLatin1 } from "../../../../src/http1/serialize.ts";
import { DEFAULT_LIMITS, type RequestHead } from "../../../../src/http1/types.ts";
import type { ServiceRequest } from "../../../../src/proxy/http/service.ts";
import { FrontendCounters, ProcessCounters } from "../../../../src/stats/counters.ts";
import { testBackend } from "../../_fixtures/backend.ts";
import type { ProxyView } from "../../../../src/stats/views.ts";
import type { Actor, CommandRunner } from "../../../../src/control/types.ts";
import { ControlLink } from "../../../../src/control/api/link.ts";
import { l4Context } from "../../rules/context.ts";

export function head(raw: string): RequestHead {
  const lines = raw.trimEnd().split("\n");
  if (!lines.some((l) => /^host:/i.test(l))) lines.splice(1, 0, "Host: a");
  const text = lines.join("\r\n") + "\r\n\r\n";
  const r = parseRequestHead(encodeLatin1(text), DEFAULT_LIMITS);
  if (!r.ok) throw new Error(r.rejection.reason);
  return r.head;
}

export function serviceRequest(raw: string, body = "", src = "127.0.0.1"): ServiceRequest {
  return { head: head(raw), body: new TextEncoder().encode(body), ctx: l4Context({ src }) };
}

/** Records each line with its actor; answers `answer(line)`. */
export class FakeRunner implements CommandRunner {
  readonly got: { line: string; actor: Actor }[] = [];
  constructor(readonly answer: (line: string) => string = () => "") {}
  run(line: string, actor: Actor): string {
    this.got.push({ line, actor });
    return this.answer(line);
  }
}

export function fakeProxy(): ProxyView {
  const be = testBackend({ servers: [{}] });
  be.servers[0]!.cur = 2;
  return {
    process: { counters: new ProcessCounters(), cur: 1, maxconn: 100 },
    frontends: [{
      name: "web",
      mode: "http",
      counters: new FrontendCounters(),
      cur: 1,
      max: 1,
      maxconn: 100,
      waiting: 0,
      http: null,
    }],
    backends: new Map([["app", be]]),
  };
}

export function linked(runner: CommandRunner | null = new FakeRunner()): ControlLink {
  const link = new ControlLink();
  link.proxy = fakeProxy();
  link.runner = runner;
  return link;
}
