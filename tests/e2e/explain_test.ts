/**
 * `tsproxy explain` against a running proxy: for each of 24 varied requests (paths, hosts, client
 * addresses 127.0.0.x, headers), what explain says is what the proxy did: the same server (origin)
 * and the same head at the origin, or the same local answer.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, test } from "bun:test";
import { loadConfigFile } from "../../src/config/mod.ts";
import { explain, type Explanation, requestFromRaw } from "../../src/explain/mod.ts";
import { type RawHttpOrigin, rawHttpOrigin } from "./helpers/http.ts";
import { cliCommand, RUNTIMES, startProxy, writeTemp } from "./helpers/proxy.ts";

interface Case {
  readonly raw: string;
  readonly src: string;
}

const H = "Host: www.example.com\r\n";
const BASIC = `Authorization: Basic ${btoa("alice:change-me")}\r\n`;
const CASES: Case[] = [
  ["GET /static/app.js?v=1 HTTP/1.1\r\n" + H, 2],
  ["GET /static/app.js?v=2 HTTP/1.1\r\n" + H, 3],
  ["GET /assets/logo.png HTTP/1.1\r\n" + H + "Accept: image/png\r\n", 4],
  ["GET /static/css/site.css HTTP/1.1\r\n" + H + "User-Agent: curl/8.5\r\n", 5],
  ["HEAD /static/x HTTP/1.1\r\n" + H, 6],
  ["GET http://www.example.com/static/abs.js HTTP/1.1\r\n" + H, 7],
  ["GET /v1/users HTTP/1.1\r\n" + H + "X-Tenant: acme\r\n", 8],
  ["GET /v1/orders/7 HTTP/1.1\r\n" + H + "X-Tenant: globex\r\n", 9],
  ["GET /v2/items HTTP/1.1\r\nHost: api.example.com\r\nX-Tenant: initech\r\n", 10],
  ["GET /anything HTTP/1.1\r\nHost: API.example.com\r\n", 11],
  ["DELETE /v1/users/3 HTTP/1.1\r\n" + H + "X-Tenant: acme\r\nX-Forwarded-For: 1.1.1.1\r\n", 12],
  ["POST /v1/submit HTTP/1.1\r\n" + H + "X-Tenant: acme\r\nContent-Length: 2\r\n", 13],
  ["GET /shard/item?user=42 HTTP/1.1\r\n" + H, 14],
  ["GET /shard/item?x=1&user=7 HTTP/1.1\r\n" + H, 15],
  ["GET /shard/q?nouser=1 HTTP/1.1\r\n" + H, 16],
  ["GET / HTTP/1.1\r\n" + H, 17],
  ["GET /about HTTP/1.0\r\n" + H + "X-Debug: yes\r\nUser-Agent: curl/7.1\r\n", 18],
  ["GET /contact HTTP/1.1\r\n" + H + "Connection: close, X-Secret\r\nX-Secret: s\r\n", 22],
  ["GET /private/report HTTP/1.1\r\n" + H, 23],
  ["GET /admin/ HTTP/1.1\r\n" + H + BASIC, 26],
  ["GET /ping HTTP/1.1\r\n" + H, 19],
  ["GET /v1 HTTP/1.1\r\n" + H, 20],
  ["GET /admin/users HTTP/1.1\r\n" + H, 21],
  ["GET /x HTTP/1.1\r\n" + H + "User-Agent: badbot/2\r\n", 24],
].map(([head, n]) => ({
  raw: `${head}${/\r\nConnection:/.test(`${head}`) ? "" : "Connection: close\r\n"}\r\n`,
  src: `127.0.0.${n}`,
}));

const origins = new Map<string, RawHttpOrigin>();
let yaml = "";
let config: Awaited<ReturnType<typeof loadConfigFile>>;
let configFile = "";

beforeAll(async () => {
  yaml = readFileSync(new URL("../../examples/explain.yaml", import.meta.url), "utf8")
    .replace('"0.0.0.0:8080"', '"127.0.0.1:0"').replace("log: stdout", "log: stderr");
  for (const m of yaml.matchAll(/name: (\w+), address: "127\.0\.0\.1:(\d+)"/g)) {
    const o = await rawHttpOrigin();
    origins.set(m[1]!, o);
    yaml = yaml.replace(`127.0.0.1:${m[2]}"`, `127.0.0.1:${o.port}"`);
  }
  configFile = writeTemp("explain.yaml", yaml);
  config = await loadConfigFile(configFile);
});

afterAll(() => {
  for (const o of origins.values()) o.close();
});

/** Sends `raw` (and a 2-byte body for a POST) from `src`; the response's status, or 0 if closed silently. */
function send(port: number, c: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port, localAddress: c.src });
    let got = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from the proxy for ${c.raw.split("\r\n")[0]}`));
    }, 5000);
    sock.on("connect", () => sock.write(c.raw + (c.raw.startsWith("POST") ? "hi" : "")));
    sock.on("data", (d: Buffer) => (got += d.toString("latin1")));
    sock.on("error", () => {});
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0));
    });
  });
}

function seen(): Map<string, number> {
  return new Map([...origins].map(([n, o]) => [n, o.requests.length]));
}

/** The one origin that got a request since `before`, and that request's head. */
function reached(before: Map<string, number>): { name: string; head: string }[] {
  const out: { name: string; head: string }[] = [];
  for (const [name, o] of origins) {
    for (const r of o.requests.slice(before.get(name)!)) out.push({ name, head: r.rawHead });
  }
  return out;
}

async function agree(port: number, c: Case, e: Explanation): Promise<string> {
  const what = `${e.request.line} from ${c.src}`;
  const before = seen();
  const status = await send(port, c);
  const got = reached(before);
  if (e.answer !== null) {
    assert.equal(status, e.answer.status, `${what}: the local answer`);
    assert.equal(got.length, 0, `${what}: answered locally, yet a server got it`);
    return `${e.answer.kind} ${status}`;
  }
  assert.equal(got.length, 1, `${what}: one server should get it (got ${got.length})`);
  assert.equal(status, 200, `${what}: the origin's answer`);
  const [{ name, head }] = got as [{ name: string; head: string }];
  if (e.server!.exact) assert.equal(name, e.server!.name, `${what}: the server`);
  else assert.ok(e.server!.candidates.includes(name), `${what}: ${name} not a candidate`);
  assert.equal(head, e.head, `${what}: the head at the origin`);
  return `${e.backend!.name}/${name}${e.server!.exact ? "" : " (candidate)"}`;
}

describe("tsproxy explain agrees with the running proxy", () => {
  for (const rt of RUNTIMES) {
    test(`24 requests: same server and head, or same local answer (${rt})`, async () => {
      if (!config.ok) assert.fail(config.errors.map((e) => e.message).join("\n"));
      const proxy = await startProxy(rt, yaml);
      const kinds = new Set<string>(), servers = new Set<string>();
      let exact = 0;
      try {
        for (const c of CASES) {
          const e = await explain(config.config, { head: requestFromRaw(c.raw), src: c.src });
          kinds.add(e.answer?.kind ?? e.backend!.name);
          if (e.server?.exact) exact++;
          servers.add(await agree(proxy.ports[0]!, c, e));
        }
      } finally {
        await proxy.stop();
      }
      // the cases cover every backend and every kind of local answer of the example
      assert.deepEqual([...kinds].sort(), [
        "api",
        "auth",
        "redirect",
        "return",
        "shards",
        "site",
        "static",
        "tarpit",
      ]);
      assert.ok(exact >= 15, `exact picks: ${exact}`);
      // and every server of the example was reached
      const names = [...servers].filter((s) => s.includes("/")).map((s) => s.split(/[/ ]/)[1]);
      assert.equal(new Set(names).size, origins.size, `servers reached: ${[...servers]}`);
    }, 60_000);

    test(`the CLI prints the same explanation as JSON (${rt})`, () => {
      const c = CASES[6]!; // /v1/users: rewrites, use_backend, consistent hash
      const raw = writeTemp("req.txt", c.raw);
      const [cmd, args] = cliCommand(rt, [
        "explain",
        "-c",
        configFile,
        "--raw",
        raw,
        "--src",
        c.src,
        "--json",
      ]);
      const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      const printed = JSON.parse(r.stdout) as Explanation;
      assert.equal(printed.backend?.name, "api");
      assert.equal(printed.server?.exact, true);
      assert.ok(printed.head?.startsWith("GET /v2/users HTTP/1.1\r\n"));
      assert.ok(printed.steps.length >= 10);
    }, 40_000);
  }
});
