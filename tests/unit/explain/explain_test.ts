/** Tests for explain(): the routing and rewriting examples followed request by request. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Config, loadConfigFile, parseConfigText } from "../../../src/config/mod.ts";
import {
  explain,
  type Explanation,
  renderJson,
  renderText,
  requestFromArgs,
} from "../../../src/explain/mod.ts";

async function example(name: string): Promise<Config> {
  const r = await loadConfigFile(
    fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url)),
  );
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join("\n"));
  return r.config;
}

const routing = await example("http-routing.yaml");
const rewriting = await example("explain.yaml");

function run(
  config: Config,
  line: string,
  headers: string[],
  src = "10.0.0.7",
  more: { frontend?: string; dst?: { host: string; port: number } } = {},
): Promise<Explanation> {
  return explain(config, { head: requestFromArgs(line, headers), src, ...more });
}

function field(head: string | null, name: string): string | undefined {
  const l = head?.split("\r\n").find((x) => x.toLowerCase().startsWith(name.toLowerCase() + ":"));
  return l?.slice(name.length + 1).trim();
}

test("explain() routes /api/ to backend api and hashes Authorization to one server (http-routing)", async () => {
  const e = await run(routing, "GET /api/x", ["Host: a.example", "Authorization: Bearer abc"]);
  assert.equal(e.frontend.name, "web");
  assert.equal(e.backend?.name, "api");
  assert.match(e.backend!.why, /use_backend \(frontend web\) rule 1/);
  assert.equal(e.server?.exact, true);
  assert.match(e.server!.why, /header authorization "Bearer abc"/);
  // the same key gives the same server whatever the path; other keys reach the other server too
  const again = await run(routing, "GET /api/other?q=1", ["Host: b", "Authorization: Bearer abc"]);
  assert.equal(again.server?.name, e.server?.name);
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const x = await run(routing, "GET /api/x", ["Host: a", `Authorization: Bearer t${i}`]);
    seen.add(x.server!.name!);
  }
  assert.deepEqual([...seen].sort(), ["api1", "api2"]);
});

test("explain() traces each rule with its ACLs and the values they read", async () => {
  const e = await run(routing, "GET /api/x", ["Host: a.example"]);
  const deny = e.steps[0]!;
  assert.equal(deny.line, "deny if is_admin !from_office");
  assert.equal(deny.matched, false);
  assert.equal(deny.outcome, "skipped");
  assert.deepEqual(deny.acls.map((a) => [a.name, a.result, a.value]), [
    ["is_admin", false, `hdr(host) "a.example"`],
    ["from_office", true, "src 10.0.0.7"],
  ]);
  const set = e.steps.find((s) => s.line.startsWith("set-header"))!;
  assert.deepEqual(set.changes, [{ op: "+", name: "X-Request-Path", value: "/api/x" }]);
  const use = e.steps.find((s) => s.list.startsWith("use_backend"))!;
  assert.deepEqual([use.matched, use.outcome], [true, "backend api"]);
  assert.deepEqual(use.acls.map((a) => a.value), [`path "/api/x"`]);
  // no Authorization: no key, so the hash falls back to round-robin and says so
  assert.equal(e.server?.exact, false);
  assert.match(e.server!.why, /round-robin/);
  assert.deepEqual(e.server!.candidates, ["api1", "api2"]);
});

test("explain() gives the local answers: deny, redirect, return (http-routing)", async () => {
  const denied = await run(routing, "GET /x", ["Host: admin.example.com"], "8.8.8.8");
  assert.deepEqual([denied.answer?.kind, denied.answer?.status], ["deny", 403]);
  assert.equal(denied.backend, null);
  assert.equal(denied.head, null);
  assert.match(denied.answer!.response, /^HTTP\/1.1 403 Forbidden\r\n/);
  const office = await run(routing, "GET /x", ["Host: admin.example.com"], "10.1.2.3");
  assert.equal(office.answer, null);
  assert.equal(office.backend?.name, "site");
  const moved = await run(routing, "GET /api/v1/users", ["Host: a"]);
  assert.deepEqual([moved.answer?.kind, moved.answer?.status], ["redirect", 308]);
  assert.match(moved.answer!.response, /\r\nlocation: \/api\/v2\/api\/v1\/users\r\n/);
  const health = await run(routing, "GET /healthz", ["Host: a"]);
  assert.deepEqual([health.answer?.kind, health.answer?.status], ["return", 200]);
  assert.match(health.answer!.response, /\r\n\r\nok$/);
});

test("explain() builds the head sent: rules' rewrites, hop-by-hop removed, X-Forwarded-*", async () => {
  const e = await run(rewriting, "GET /v1/users", [
    "Host: www.example.com",
    "User-Agent: curl/8.1",
    "X-Tenant: acme",
    "X-Debug: 1",
    "Connection: keep-alive, X-Secret",
    "X-Secret: s",
  ]);
  assert.equal(e.backend?.name, "api");
  const path = e.steps.find((s) => s.line.startsWith("replace-path"))!;
  assert.deepEqual(path.changes, [{
    op: "line",
    name: "GET /v1/users HTTP/1.1",
    value: "GET /v2/users HTTP/1.1",
  }]);
  const ua = e.steps.find((s) => s.line.startsWith("replace-header"))!;
  assert.deepEqual(ua.changes.map((c) => `${c.op}${c.value}`), ["-curl/8.1", "+curl-8.1"]);
  assert.deepEqual(e.steps.find((s) => s.line === "del-header X-Debug")!.changes, [
    { op: "-", name: "X-Debug", value: "1" },
  ]);
  assert.ok(e.head!.startsWith("GET /v2/users HTTP/1.1\r\n"));
  assert.equal(field(e.head, "X-Api-Version"), "1");
  assert.equal(field(e.head, "User-Agent"), "curl-8.1");
  assert.equal(field(e.head, "X-Forwarded-For"), "10.0.0.7");
  assert.equal(field(e.head, "X-Forwarded-Proto"), "http");
  assert.equal(field(e.head, "X-Debug"), undefined);
  assert.equal(field(e.head, "Connection"), undefined);
  assert.equal(field(e.head, "X-Secret"), undefined);
  const gone = e.rewrites.filter((c) => c.op === "-").map((c) => `${c.name} ${c.why}`);
  assert.deepEqual(gone, ["Connection hop-by-hop", "X-Secret named by Connection (hop-by-hop)"]);
});

test("explain() picks exactly for balance uri, source and url_param (explain example)", async () => {
  const h = ["Host: www.example.com"];
  const a = await run(rewriting, "GET /static/app.js?v=1", h);
  const b = await run(rewriting, "GET /static/app.js?v=2", h, "192.0.2.9");
  assert.equal(a.backend?.name, "static");
  assert.equal(a.server?.exact, true);
  assert.equal(b.server?.name, a.server?.name, "uri hashes the part before '?' only");
  const uris = new Set<string>();
  for (let i = 0; i < 30; i++) {
    uris.add((await run(rewriting, `GET /static/f${i}.css`, h)).server!.name!);
  }
  assert.deepEqual([...uris].sort(), ["static1", "static2", "static3"]);
  const s1 = await run(rewriting, "GET /a", h, "10.9.9.9");
  const s2 = await run(rewriting, "GET /b/c?d", h, "10.9.9.9");
  assert.equal(s1.backend?.name, "site");
  assert.match(s1.server!.why, /source 10\.9\.9\.9/);
  assert.equal(s2.server?.name, s1.server?.name, "source hashes the client address only");
  const sources = new Set<string>();
  for (let i = 1; i < 20; i++) {
    sources.add((await run(rewriting, "GET /", h, `10.0.0.${i}`)).server!.name!);
  }
  assert.deepEqual([...sources].sort(), ["site1", "site2"]);
  const u1 = await run(rewriting, "GET /shard/x?user=42&z=1", h);
  const u2 = await run(rewriting, "GET /shard/y?a=b&user=42", h);
  assert.equal(u1.backend?.name, "shards");
  assert.equal(u2.server?.name, u1.server?.name);
  const none = await run(rewriting, "GET /shard/x?other=1", h);
  assert.equal(none.server?.exact, false);
});

test("explain() answers auth with 401, tarpit with its status, and lets a valid user through", async () => {
  const h = ["Host: www.example.com"];
  const challenge = await run(rewriting, "GET /admin/", h);
  assert.deepEqual([challenge.answer?.kind, challenge.answer?.status], ["auth", 401]);
  assert.match(challenge.answer!.response, /\r\nwww-authenticate: Basic realm="admins"\r\n/);
  const basic = `Authorization: Basic ${btoa("alice:change-me")}`;
  const passed = await run(rewriting, "GET /admin/", [...h, basic]);
  assert.equal(passed.answer, null);
  assert.equal(passed.steps.find((s) => s.line.startsWith("auth"))?.acls[1]?.result, true);
  const slow = await run(rewriting, "GET /", [...h, "User-Agent: badbot/1"]);
  assert.deepEqual([slow.answer?.kind, slow.answer?.status], ["tarpit", 429]);
  assert.match(slow.answer!.why, /held 200 ms/);
  const hidden = await run(rewriting, "GET /private/x", h, "8.8.8.8");
  assert.deepEqual([hidden.answer?.kind, hidden.answer?.status], ["deny", 403]);
});

test("explain() picks the frontend by --frontend, by the address a bind takes, else the first HTTP one", async () => {
  const r = parseConfigText(
    `
frontends:
  raw: { bind: ["0.0.0.0:7000"], mode: tcp, defaultBackend: t }
  one: { bind: ["127.0.0.1:8001"], mode: http, defaultBackend: a }
  two: { bind: ["0.0.0.0:8002"], mode: http, defaultBackend: b }
backends:
  t: { mode: tcp, servers: [{ name: t1, address: "127.0.0.1:9000" }] }
  a: { mode: http, servers: [{ name: a1, address: "127.0.0.1:9001" }] }
  b: { mode: http, servers: [{ name: b1, address: "127.0.0.1:9002" }] }
`,
    "t.yaml",
  );
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join("\n"));
  const h = ["Host: x"];
  assert.equal((await run(r.config, "GET /", h)).frontend.name, "one");
  const byDst = await run(r.config, "GET /", h, "1.2.3.4", {
    dst: { host: "10.0.0.1", port: 8002 },
  });
  assert.equal(byDst.frontend.name, "two");
  assert.equal(byDst.server?.name, "b1");
  assert.equal(
    (await run(r.config, "GET /", h, "1.2.3.4", { frontend: "two" })).backend?.name,
    "b",
  );
  await assert.rejects(
    run(r.config, "GET /", h, "1.2.3.4", { frontend: "nope" }),
    /no frontend named "nope"/,
  );
  await assert.rejects(run(r.config, "GET /", h, "1.2.3.4", { frontend: "raw" }), /tcp mode/);
  await assert.rejects(
    run(r.config, "GET /", h, "1.2.3.4", { dst: { host: "10.0.0.1", port: 9999 } }),
    /no frontend binds 10\.0\.0\.1:9999/,
  );
});

test("explain() answers an invalid request as the parser does, and renders text and JSON", async () => {
  const e = await run(routing, "GET /", []); // HTTP/1.1 without Host
  assert.deepEqual([e.answer?.kind, e.answer?.status], ["invalid", 400]);
  assert.match(e.answer!.why, /missing Host/);
  const ok = await run(routing, "GET /api/x", ["Host: a.example"]);
  const text = renderText(ok);
  assert.match(text, /acl is_api path_beg \/api\/ → true \(path "\/api\/x"\)/);
  assert.match(text, /^backend {3}api/m);
  assert.deepEqual(JSON.parse(renderJson(ok)), JSON.parse(JSON.stringify(ok)));
});

test("explain() with --sni: the connection is TLS, ssl_fc_sni routes, X-Forwarded-Proto says https", async () => {
  const r = parseConfigText(
    `
defaults: { mode: http, forwardedProto: true }
frontends:
  web:
    bind: ["0.0.0.0:8443"]
    acl: ["is_b ssl_fc_sni -i b.example"]
    useBackend: ["b if is_b"]
    defaultBackend: a
backends:
  a: { servers: [{ name: a1, address: "127.0.0.1:9001" }] }
  b: { servers: [{ name: b1, address: "127.0.0.1:9002" }] }
`,
    "t.yaml",
  );
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join("\n"));
  const head = requestFromArgs("GET /", ["Host: b.example"]);
  const e = await explain(r.config, { head, src: "10.0.0.1", sni: "b.example" });
  assert.equal(e.request.tls, true);
  assert.deepEqual([e.backend?.name, e.server?.name, e.server?.exact], ["b", "b1", true]);
  assert.equal(field(e.head, "X-Forwarded-Proto"), "https");
  const plain = await explain(r.config, { head, src: "10.0.0.1" });
  assert.equal(plain.backend?.name, "a");
  assert.equal(field(plain.head, "X-Forwarded-Proto"), "http");
});
