/** Basic auth (userlists with openssl-made $6$/$5$ hashes, groups) and JWT (HS256, RS256, ES256) at the edge, end to end. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { AUDIENCE, ISSUER, makeKits, verdictCases } from "../unit/auth/_tokens.ts";
import { header, rawHttpOrigin } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const kits = makeKits();
const SECRET = kits.HS256.verifyText;

function crypt(scheme: "-5" | "-6", password: string): string {
  return execFileSync("openssl", ["passwd", scheme, password], { encoding: "utf8" }).trim();
}

function config(port: number): string {
  const hash6 = crypt("-6", "alice-pw"), hash5 = crypt("-5", "bob-pw");
  const valid = (alg: string, key: string) =>
    `http_auth_bearer,jwt_valid(${alg},${key},${ISSUER},${AUDIENCE})`;
  return `
defaults:
  mode: http
  timeout: { connect: 2s, client: 10s, server: 10s }
userlists:
  admins:
    users:
      - { name: alice, password: "${hash6}", groups: [ops] }
      - { name: bob, password: "${hash5}" }
    groups: [{ name: readers, users: [alice, bob] }]
frontends:
  web:
    bind: ["127.0.0.1:0"]
    acl:
      - authed http_auth(admins)
      - ops http_auth_group(admins) ops
      - hs_ok ${valid("HS256", SECRET)} -m int 1
      - rs_ok ${valid("RS256", "rs.pem")} -m int 1
      - es_ok ${valid("ES256", "es.pem")} -m int 1
    httpRequest:
      - auth realm Admins if { path_beg /admin } !authed
      - deny deny_status 403 if { path_beg /admin/ops } !ops
      - deny deny_status 401 if { path_beg /hs/ } !hs_ok
      - deny deny_status 401 if { path_beg /rs/ } !rs_ok
      - deny deny_status 401 if { path_beg /es/ } !es_ok
      - return status 200 content-type text/plain lf-string "%[${
    valid("HS256", SECRET)
  }]" if { path /code/HS256 }
      - return status 200 content-type text/plain lf-string "%[${
    valid("RS256", "rs.pem")
  }]" if { path /code/RS256 }
      - return status 200 content-type text/plain lf-string "%[${
    valid("ES256", "es.pem")
  }]" if { path /code/ES256 }
      - set-header X-User %[http_auth_user] if authed
    defaultBackend: app
backends:
  app:
    servers: [{ name: s1, address: "127.0.0.1:${port}" }]
`;
}

async function get(port: number, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers,
    signal: AbortSignal.timeout(5000),
  });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

const basic = (user: string, pw: string) => ({ authorization: `Basic ${btoa(`${user}:${pw}`)}` });

for (const rt of RUNTIMES) {
  test(`${rt}: basic auth against a userlist ($6$ and $5$ from openssl), groups, and the 401 challenge`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, config(origin.port), 1, {
      "rs.pem": kits.RS256.verifyText,
      "es.pem": kits.ES256.verifyText,
    });
    try {
      const port = proxy.ports[0]!;
      const none = await get(port, "/admin/x");
      assert.equal(none.status, 401);
      assert.equal(none.headers.get("www-authenticate"), 'Basic realm="Admins"');
      assert.match(none.body, /401 Unauthorized/);
      assert.equal((await get(port, "/admin/x", basic("alice", "wrong"))).status, 401);
      assert.equal((await get(port, "/admin/x", basic("nobody", "alice-pw"))).status, 401);
      for (let i = 0; i < 3; i++) { // the first verifies the $6$ hash, the next come from the cache
        const ok = await get(port, "/admin/x", basic("alice", "alice-pw"));
        assert.deepEqual([ok.status, ok.body], [200, "ok"], "from the origin");
      }
      assert.equal((await get(port, "/admin/x", basic("bob", "bob-pw"))).status, 200, "$5$");
      assert.equal((await get(port, "/admin/ops/y", basic("alice", "alice-pw"))).status, 200);
      assert.equal(
        (await get(port, "/admin/ops/y", basic("bob", "bob-pw"))).status,
        403,
        "not in ops",
      );
      const seen = origin.requests.map((r) => [r.target, header(r, "x-user")]);
      assert.deepEqual(seen.slice(0, 1), [["/admin/x", "alice"]]);
      assert.equal(origin.requests.length, 5);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: jwt_valid verdicts for HS256, RS256 and ES256, and the deny they drive`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, config(origin.port), 1, {
      "rs.pem": kits.RS256.verifyText,
      "es.pem": kits.ES256.verifyText,
    });
    try {
      const port = proxy.ports[0]!;
      for (const alg of ["HS256", "RS256", "ES256"] as const) {
        const prefix = `/${alg.slice(0, 2).toLowerCase()}/`;
        for (const c of await verdictCases(kits[alg])) {
          const auth = { authorization: `Bearer ${c.token}` };
          const code = await get(port, `/code/${alg}`, auth);
          assert.equal(code.body, String(c.code), `${alg} ${c.name}: verdict`);
          const r = await get(port, `${prefix}x`, auth);
          assert.equal(r.status, c.code === 1 ? 200 : 401, `${alg} ${c.name}: status`);
        }
        assert.equal((await get(port, `${prefix}x`)).status, 401, `${alg} missing token`);
        const wrongScheme = await get(port, `${prefix}x`, basic("a", "b"));
        assert.equal(wrongScheme.status, 401, `${alg} Basic instead of Bearer`);
      }
      assert.equal(origin.requests.length, 2 * 3, "only the valid tokens reached the origin");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
