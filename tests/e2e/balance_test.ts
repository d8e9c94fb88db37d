/** Balancing algorithms in the running proxy: uri, hdr and url_param stickiness in HTTP mode, source in TCP mode. */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { test } from "node:test";
import { exchange, namedServer } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** An HTTP origin answering its own name. */
function namedHttp(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((_req, res) => res.end(name));
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ port: typeof a === "object" && a ? a.port : 0, server });
    })
  );
}

async function get(port: number, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return await r.text();
}

function httpConfig(balance: string, ports: number[], extra = "") {
  return `
global: { log: none }
defaults: { mode: http }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    balance: "${balance}"
    ${extra}
    servers:
${ports.map((p, i) => `      - { name: s${i}, address: "127.0.0.1:${p}" }`).join("\n")}
`;
}

for (const rt of RUNTIMES) {
  test(`${rt}: balance uri / hdr / url_param keep a key on one server and spread many keys`, async () => {
    const origins = await Promise.all(["s0", "s1", "s2"].map(namedHttp));
    const ports = origins.map((o) => o.port);
    const cases: [string, string, (i: number) => [string, Record<string, string>]][] = [
      ["uri", "", (i) => [`/item/${i}`, {}]],
      ["hdr(x-user)", "hashType: consistent", (i) => ["/", { "x-user": `user${i}` }]],
      ["url_param uid", "", (i) => [`/p?x=1&uid=${i}`, {}]],
    ];
    try {
      for (const [balance, extra, key] of cases) {
        const proxy = await startProxy(rt, httpConfig(balance, ports, extra));
        try {
          const port = proxy.ports[0]!;
          const seen = new Set<string>();
          for (let i = 0; i < 12; i++) {
            const [path, headers] = key(i);
            const first = await get(port, path, headers);
            for (let again = 0; again < 3; again++) {
              assert.equal(await get(port, path, headers), first, `${balance}: key ${i} moved`);
            }
            seen.add(first);
          }
          assert.ok(seen.size >= 2, `${balance}: 12 keys all went to ${[...seen]}`);
        } finally {
          await proxy.stop();
        }
      }
    } finally {
      for (const o of origins) o.server.close();
    }
  });

  test(`${rt}: balance source sends every connection of one client to one server (TCP)`, async () => {
    const servers = await Promise.all(["a", "b", "c"].map(namedServer));
    const proxy = await startProxy(
      rt,
      `
frontends:
  fe: { bind: ["127.0.0.1:0"], mode: tcp, defaultBackend: be }
backends:
  be:
    mode: tcp
    balance: source
    servers:
${servers.map((s, i) => `      - { name: n${i}, address: "127.0.0.1:${s.port}" }`).join("\n")}
`,
    );
    try {
      const names = new Set<string>();
      for (let i = 0; i < 20; i++) names.add((await exchange(proxy.ports[0]!)).data.toString());
      assert.equal(names.size, 1, `one client reached ${[...names].join(", ")}`);
    } finally {
      await proxy.stop();
      for (const s of servers) await s.close();
    }
  });
}
