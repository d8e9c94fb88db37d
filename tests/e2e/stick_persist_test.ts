/** Stickiness end to end: `stick on src` in HTTP and TCP, a client moving when its server goes DOWN, a cookie learnt from the response. */
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { test } from "node:test";
import { namedServer, sleep } from "./helpers/net.ts";
import { type RunningProxy, RUNTIMES, startProxy } from "./helpers/proxy.ts";

const CLIENTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];

/** An HTTP origin answering its name; `cookie`: a response to a request without SID sets one. */
interface NameOrigin {
  readonly name: string;
  readonly port: number;
  close(): Promise<void>;
}

async function nameOrigin(name: string, cookie = false): Promise<NameOrigin> {
  let n = 0;
  const server = http.createServer((req, res) => {
    const headers: Record<string, string> = { "content-type": "text/plain" };
    if (cookie && !/SID=/.test(req.headers.cookie ?? "")) {
      headers["set-cookie"] = `SID=${name}-${++n}; Path=/`;
    }
    res.writeHead(200, headers).end(name);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    name,
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** One GET on a new connection from `src`: status, body (the origin's name), Set-Cookie. */
function get(
  port: number,
  src: string,
  cookie?: string,
): Promise<{ status: number; body: string; setCookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      path: "/",
      localAddress: src,
      agent: false,
      timeout: 5000,
      headers: cookie ? { cookie } : {},
    }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on(
        "end",
        () =>
          resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers["set-cookie"]?.[0] }),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`GET from ${src} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** The name a TCP origin writes to a connection from `src`. */
function tcpName(port: number, src: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port, localAddress: src });
    let got = "";
    s.setEncoding("utf8");
    s.on("data", (d) => (got += d));
    s.on("end", () => resolve(got));
    s.on("error", reject);
    s.setTimeout(5000, () => s.destroy(new Error(`TCP from ${src} timed out`)));
  });
}

function config(
  mode: "http" | "tcp",
  origins: { port: number }[],
  backend: string,
  check = "",
): string {
  return `
global: { log: none }
defaults: { mode: ${mode}, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    balance: roundrobin
${backend}
    servers:
${
    origins.map((o, i) => `      - { name: o${i + 1}, address: "127.0.0.1:${o.port}"${check} }`)
      .join("\n")
  }
`;
}

/** Waits until `line` shows in the proxy's output (at most `ms`). */
async function outputHas(p: RunningProxy, re: RegExp, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!re.test(p.output())) {
    if (Date.now() > end) throw new Error(`no ${re} within ${ms} ms:\n${p.output()}`);
    await sleep(20);
  }
}

/** Requests `rounds` rounds from each client; the origins each one saw. */
async function seen(port: number, rounds: number): Promise<Map<string, Set<string>>> {
  const out = new Map(CLIENTS.map((c) => [c, new Set<string>()]));
  for (let r = 0; r < rounds; r++) {
    // client i sends i+1 requests a round: plain round robin would move them between origins
    for (const [i, c] of CLIENTS.entries()) {
      for (let k = 0; k <= i; k++) {
        const res = await get(port, c);
        assert.equal(res.status, 200, `${c}: ${res.status} ${res.body}`);
        out.get(c)!.add(res.body);
      }
    }
  }
  return out;
}

for (const rt of RUNTIMES) {
  test(`stick on src (${rt}): each client keeps its origin, and moves to another when it goes DOWN`, async () => {
    const origins = await Promise.all(["a", "b", "c"].map((n) => nameOrigin(n)));
    const p = await startProxy(
      rt,
      config(
        "http",
        origins,
        `    stickTable: { type: ip, size: 1k, expire: 30m }\n    stick: ["on src"]`,
        ", check: true, inter: 100ms, rise: 2, fall: 1",
      ),
    );
    try {
      const before = await seen(p.ports[0]!, 5);
      for (const c of CLIENTS) assert.equal(before.get(c)!.size, 1, `${c}: ${[...before.get(c)!]}`);
      // round robin spread the three first requests: three clients, three origins
      assert.equal(new Set(CLIENTS.map((c) => [...before.get(c)!][0])).size, 3);
      const mine = [...before.get("127.0.0.2")!][0]!;
      const idx = origins.findIndex((o) => o.name === mine);
      await origins[idx]!.close();
      await outputHas(p, new RegExp(`o${idx + 1} is DOWN`), 5000);
      const after = await seen(p.ports[0]!, 5);
      const moved = after.get("127.0.0.2")!;
      assert.equal(moved.size, 1, `127.0.0.2 after DOWN: ${[...moved]}`);
      assert.notEqual([...moved][0], mine);
      for (const c of CLIENTS.slice(1)) assert.deepEqual(after.get(c), before.get(c));
    } finally {
      await p.stop();
      await Promise.all(origins.map((o) => o.close()));
    }
  });

  test(`stick store-response res.cook(SID) + match req.cook(SID) (${rt}): a session cookie keeps its origin`, async () => {
    const origins = await Promise.all(["a", "b", "c"].map((n) => nameOrigin(n, true)));
    const p = await startProxy(
      rt,
      config(
        "http",
        origins,
        `    stickTable: { type: string, len: 32, size: 1k, expire: 30m }
    stick: ["store-response res.cook(SID)", "match req.cook(SID)"]`,
      ),
    );
    try {
      const port = p.ports[0]!;
      const sessions: { cookie: string; origin: string }[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await get(port, "127.0.0.2");
        assert.ok(r.setCookie, `no Set-Cookie from ${r.body}`);
        sessions.push({ cookie: r.setCookie.split(";")[0]!, origin: r.body });
      }
      // without a cookie, round robin: three sessions on three origins
      assert.equal(new Set(sessions.map((s) => s.origin)).size, 3);
      for (let round = 0; round < 4; round++) {
        // each round in another order, the first session twice: round robin would not match
        const order = [...sessions.slice(round % 3), ...sessions.slice(0, round % 3), sessions[0]!];
        for (const s of order) {
          const r = await get(port, CLIENTS[round % 3]!, s.cookie); // any source: the cookie decides
          assert.equal(r.body, s.origin, `${s.cookie} went to ${r.body}`);
          assert.equal(r.setCookie, undefined);
        }
      }
      const unknown = await Promise.all([1, 2, 3].map(() => get(port, "127.0.0.2", "SID=zz")));
      assert.equal(
        new Set(unknown.map((r) => r.body)).size > 1,
        true,
        "an unknown SID is balanced",
      );
    } finally {
      await p.stop();
      await Promise.all(origins.map((o) => o.close()));
    }
  });

  test(`stick on src in TCP mode (${rt}): each client's connections reach one server`, async () => {
    const origins = await Promise.all(["a", "b", "c"].map((n) => namedServer(n)));
    const p = await startProxy(
      rt,
      config("tcp", origins, `    stickTable: { type: ip, size: 1k }\n    stick: ["on src"]`),
    );
    try {
      const got = new Map(CLIENTS.map((c) => [c, new Set<string>()]));
      for (let r = 0; r < 4; r++) {
        for (const [i, c] of CLIENTS.entries()) {
          for (let k = 0; k <= i; k++) got.get(c)!.add(await tcpName(p.ports[0]!, c));
        }
      }
      for (const c of CLIENTS) assert.equal(got.get(c)!.size, 1, `${c}: ${[...got.get(c)!]}`);
      assert.equal(new Set(CLIENTS.map((c) => [...got.get(c)!][0])).size, 3);
    } finally {
      await p.stop();
      await Promise.all(origins.map((o) => o.close()));
    }
  });
}
