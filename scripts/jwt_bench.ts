/** Measures authentication rules per request: jwt_verify/jwt_valid for HS256, RS256, ES256 (cached and not), and http_auth. */
// Run: bun scripts/jwt_bench.ts   or   deno run -A scripts/jwt_bench.ts
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { shaCrypt } from "../src/auth/sha_crypt.ts";
import { Userlist } from "../src/auth/userlist.ts";
import { compileSample, type SampleContext } from "../src/rules/mod.ts";

const dir = mkdtempSync(join(tmpdir(), "jwt-bench-"));
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
writeFileSync(join(dir, "rs.pem"), pem(rsa.publicKey));
writeFileSync(join(dir, "es.pem"), pem(ec.publicKey));
const SECRET = "bench-secret-0123456789abcdef";
const userlists = new Map([
  ["l", new Userlist("l", { users: [{ name: "u", password: shaCrypt("pw", "$6$benchsalt")! }] })],
]);
const options = { baseDir: dir, userlists };

const exp = Math.floor(Date.now() / 1000) + 3600;
const claims = { iss: "https://issuer", aud: "api", sub: "user-1", exp };
function sign(alg: string, key: KeyObject | Uint8Array, n: number): Promise<string[]> {
  return Promise.all(
    Array.from(
      { length: n },
      (_, i) => new SignJWT({ ...claims, jti: String(i) }).setProtectedHeader({ alg }).sign(key),
    ),
  );
}

function context(authorization: string): SampleContext {
  return {
    src: "127.0.0.1",
    srcPort: 1,
    dst: "127.0.0.1",
    dstPort: 2,
    feName: "fe",
    beName: "",
    vars: new Map(),
    env: () => undefined,
    req: {
      method: "GET",
      target: "/api",
      minor: 1,
      headers: [
        { name: "Host", lname: "host", value: "api.example" },
        { name: "Authorization", lname: "authorization", value: authorization },
      ],
    },
  };
}

/** ns per evaluation of `expr` over the contexts (cycled), after a warm-up; checks the answer. */
function measure(expr: string, ctxs: SampleContext[], want: unknown, n: number): number {
  const r = compileSample(expr, options);
  if (!r.ok) throw new Error(`${expr}: ${r.error.message}`);
  const s = r.sample;
  for (let i = 0; i < Math.min(n, 2000); i++) s.value(ctxs[i % ctxs.length]!);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const v = s.value(ctxs[i % ctxs.length]!);
    if (v !== want) throw new Error(`${expr}: got ${v}, want ${want}`);
  }
  return Math.round(((performance.now() - t0) * 1e6) / n);
}

const bearer = (ts: string[]) => ts.map((t) => context(`Bearer ${t}`));
const hs = bearer(await sign("HS256", new TextEncoder().encode(SECRET), 20_000));
const rs = bearer(await sign("RS256", rsa.privateKey, 12_000));
const es = bearer(await sign("ES256", ec.privateKey, 12_000));
const valid = (alg: string, key: string) =>
  `http_auth_bearer,jwt_valid(${alg},${key},https://issuer,api)`;

const rows: Record<string, number> = {
  // a client sending the same token again: the verdict comes from the cache
  hs256VerifyCachedNs: measure(
    `http_auth_bearer,jwt_verify(HS256,${SECRET})`,
    hs.slice(0, 100),
    1,
    1_000_000,
  ),
  // 20k distinct tokens cycled through a 10k cache: an HMAC (createHmac + timingSafeEqual) each time
  hs256VerifyUncachedNs: measure(`http_auth_bearer,jwt_verify(HS256,${SECRET})`, hs, 1, 200_000),
  // 20k distinct tokens cycled through a 10k cache: every lookup misses (decode, claims, HMAC)
  hs256ValidUncachedNs: measure(valid("HS256", SECRET), hs, 1, 100_000),
  hs256ValidCachedNs: measure(valid("HS256", SECRET), hs.slice(0, 1), 1, 1_000_000),
  rs256ValidUncachedNs: measure(valid("RS256", "rs.pem"), rs, 1, 12_000),
  rs256ValidCachedNs: measure(valid("RS256", "rs.pem"), rs.slice(0, 100), 1, 1_000_000),
  es256ValidUncachedNs: measure(valid("ES256", "es.pem"), es, 1, 12_000),
  es256ValidCachedNs: measure(valid("ES256", "es.pem"), es.slice(0, 100), 1, 1_000_000),
  basicAuthCachedNs: measure("http_auth(l)", [context(`Basic ${btoa("u:pw")}`)], true, 500_000),
};
const runtime = "Bun" in globalThis ? "bun" : "deno";
console.log(JSON.stringify({ runtime, ...rows }));
