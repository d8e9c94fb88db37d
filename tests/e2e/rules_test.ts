/** ACLs and rules end to end: virtual hosts, path switching, header rewrites, redirects, deny, return, response rules, check. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { test } from "node:test";
import { cliCommand, RUNTIMES, startProxy, writeTemp } from "./helpers/proxy.ts";
import {
  header,
  type OriginRequest,
  RawClient,
  type RawHttpOrigin,
  rawHttpOrigin,
  waitForLine,
} from "./helpers/http.ts";

const ROOT = resolve(import.meta.dirname ?? ".", "../..");

/** An origin naming itself in X-Origin; /missing gets 404, /boom 500; the body is the target it saw. */
function namedOrigin(name: string): Promise<RawHttpOrigin> {
  return rawHttpOrigin((req: OriginRequest, sock) => {
    const status = req.target === "/missing"
      ? "404 Not Found"
      : req.target === "/boom"
      ? "500 Internal Server Error"
      : "200 OK";
    sock.write(
      `HTTP/1.1 ${status}\r\nContent-Length: ${req.target.length}\r\nServer: origin\r\n` +
        `X-Origin: ${name}\r\n\r\n${req.target}`,
    );
  });
}

function config(ports: Record<string, number>): string {
  const backends = Object.entries(ports).map(([name, port]) =>
    `  ${name}:\n    servers: [{ name: s1, address: "127.0.0.1:${port}" }]`
  ).join("\n");
  return `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 10s, server: 10s }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    acl:
      - host_a hdr(host) -i a.example
      - is_api path_beg /api
      - is_static path_end .css .js
      - blocked hdr(x-block) -m found
    httpRequest:
      - deny if blocked
      - deny deny_status 429 if { path /slow }
      - return status 200 content-type text/plain string "pong" if { path /ping }
      - redirect location https://example.com/ code 301 if { path /old }
      - redirect prefix /v2 drop-query if { path_beg /v1 }
      - redirect scheme https if { path /secure }
      - set-header X-Api yes if is_api
      - add-header X-Seen 1
      - del-header X-Debug
      - replace-header User-Agent ^curl/(.*) curl-\\1
      - set-path /internal%[path] if { path_beg /wrap }
      - set-query a=1 if { path /q }
    useBackend:
      - a if host_a
      - api if is_api
      - static if is_static
    defaultBackend: app
    httpResponse:
      - set-header X-Served-By tsproxy
      - del-header Server
      - set-status 418 if { status 404 }
      - deny if { status 500 }
backends:
${backends}
`;
}

for (const rt of RUNTIMES) {
  test(`${rt}: rules: switching, rewrites, redirects, deny, return and response rules`, async () => {
    const names = ["a", "api", "static", "app"];
    const origins = await Promise.all(names.map(namedOrigin));
    const ports = Object.fromEntries(names.map((n, i) => [n, origins[i]!.port]));
    const proxy = await startProxy(rt, config(ports));
    const c = await RawClient.open(proxy.ports[0]!);
    const get = async (target: string, extra = "") => {
      c.write(`GET ${target} HTTP/1.1\r\nHost: www.example\r\n${extra}\r\n`);
      return await c.response();
    };
    try {
      // virtual host, path split, default backend, all on one keep-alive connection
      c.write("GET /x HTTP/1.1\r\nHost: A.example\r\n\r\n");
      assert.equal(header(await c.response(), "x-origin"), "a");
      assert.equal(header(await get("/api/users"), "x-origin"), "api");
      assert.equal(header(await get("/site.css"), "x-origin"), "static");
      const app = await get("/index.html");
      assert.equal(header(app, "x-origin"), "app");
      // response rules: header set and removed on the way to the client
      assert.equal(header(app, "x-served-by"), "tsproxy");
      assert.equal(header(app, "server"), undefined);
      const teapot = await get("/missing");
      assert.equal(teapot.status, 418);
      assert.equal(teapot.body.toString(), "/missing");

      // request rewrites as the origin saw them
      await get("/api/h", "User-Agent: curl/8.5\r\nX-Debug: secret\r\n");
      const seen = origins[1]!.requests.at(-1)!;
      const h = (n: string) => seen.headers.find(([k]) => k.toLowerCase() === n)?.[1];
      assert.equal(h("x-api"), "yes");
      assert.equal(h("x-seen"), "1");
      assert.equal(h("x-debug"), undefined);
      assert.equal(h("user-agent"), "curl-8.5");
      assert.equal((await get("/wrap/me?k=v")).body.toString(), "/internal/wrap/me?k=v");
      assert.equal((await get("/q?old=1")).body.toString(), "/q?a=1");

      // local answers keep the connection open
      const pong = await get("/ping");
      assert.equal(pong.status, 200);
      assert.equal(pong.body.toString(), "pong");
      assert.equal(header(pong, "content-type"), "text/plain");
      const r301 = await get("/old");
      assert.equal(r301.status, 301);
      assert.equal(header(r301, "location"), "https://example.com/");
      const r302 = await get("/v1/list?page=2");
      assert.equal(r302.status, 302);
      assert.equal(header(r302, "location"), "/v2/v1/list");
      const https = await get("/secure?x=1");
      assert.equal(header(https, "location"), "https://www.example/secure?x=1");
      assert.equal(c.closed, false);
      await waitForLine(proxy, /LR.* "GET \/ping HTTP\/1\.1"/);

      // deny: 403 (and deny_status); as HAProxy's, a keep-alive client keeps its connection and
      // one that said `Connection: close` is closed; a 500 from the origin is refused
      assert.equal((await get("/slow")).status, 429);
      const c2 = await RawClient.open(proxy.ports[0]!);
      c2.write("GET / HTTP/1.1\r\nHost: h\r\nX-Block: 1\r\n\r\n");
      const denied = await c2.response();
      assert.equal(denied.status, 403);
      assert.equal(header(denied, "connection"), undefined);
      c2.write("GET / HTTP/1.1\r\nHost: h\r\nX-Block: 1\r\nConnection: close\r\n\r\n");
      assert.equal((await c2.response()).status, 403);
      assert.equal(await c2.waitClosed(), true);
      await waitForLine(proxy, /PR.* "GET \/ HTTP\/1\.1"/);
      const c3 = await RawClient.open(proxy.ports[0]!);
      c3.write("GET /boom HTTP/1.1\r\nHost: h\r\n\r\n");
      assert.equal((await c3.response()).status, 502);
      await waitForLine(proxy, / app\/s1 .*PH.* "GET \/boom HTTP\/1\.1"/);
      c2.destroy();
      c3.destroy();
    } finally {
      c.destroy();
      await proxy.stop();
      await Promise.all(origins.map((o) => o.close()));
    }
  });

  test(`${rt}: rules: check lists every rule error with its path and line`, () => {
    const file = writeTemp(
      "broken.yaml",
      `defaults: { mode: http }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    acl:
      - is_api pth /api
    httpRequest:
      - dny if is_api
      - set-header X-S yes if { status 200 }
    useBackend:
      - apii
    defaultBackend: app
backends:
  app: {}
  api: {}
`,
    );
    const [cmd, args] = cliCommand(rt, ["check", "-c", file]);
    const r = spawnSync(cmd, args, { encoding: "utf8", cwd: ROOT, timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split("\n").map((l) => l.slice(file.length + 1));
    assert.deepEqual(lines, [
      '6: frontends.web.acl[0]: unknown fetch "pth" at column 8 (did you mean "path"?)',
      '8: frontends.web.httpRequest[0]: unknown action "dny" at column 1 (did you mean "deny"?)',
      '9: frontends.web.httpRequest[1]: "status" needs a response; not allowed in an ' +
      "http-request rule at column 25",
      '11: frontends.web.useBackend[0]: unknown backend "apii" at column 1 (did you mean "api"?)',
    ]);
  });
}
