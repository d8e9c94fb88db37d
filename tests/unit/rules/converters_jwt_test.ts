/** Tests for the JWT converters: header/payload queries, jwt_verify (HAProxy's codes), jwt_valid, and their load errors. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type CompileOptions, compileSample, formatRuleError } from "../../../src/rules/mod.ts";
import { AUDIENCE, ISSUER, makeKits, sign, tampered, verdictCases } from "../auth/_tokens.ts";
import { l4Context } from "./context.ts";

const kits = makeKits();
const dir = mkdtempSync(join(tmpdir(), "tsproxy-jwt-"));
writeFileSync(join(dir, "rs.pem"), kits.RS256.verifyText);
writeFileSync(join(dir, "es.pem"), kits.ES256.verifyText);
const options: CompileOptions = { baseDir: dir };

function run(expr: string, token: string, vars: Record<string, string> = {}) {
  const r = compileSample(`var(txn.tok),${expr}`, options);
  if (!r.ok) throw new Error(formatRuleError(r.error));
  const ctx = l4Context();
  ctx.vars.set("txn.tok", token);
  for (const [k, v] of Object.entries(vars)) ctx.vars.set(k, v);
  return r.sample.value(ctx);
}

function error(expr: string): string {
  const r = compileSample(`var(txn.tok),${expr}`, options);
  assert.ok(!r.ok, `expected an error for ${expr}`);
  return formatRuleError(r.error);
}

test("jwt_header_query and jwt_payload_query decode the parts, whole or by JSON path", async () => {
  const t = await sign(kits.HS256, { sub: "u1", exp: 2000000000, roles: ["a", "b"] }, {
    kid: "k1",
  });
  assert.equal(run("jwt_header_query", t), '{"alg":"HS256","kid":"k1"}');
  assert.equal(run("jwt_header_query($.alg)", t), "HS256");
  assert.equal(run("jwt_payload_query($.sub)", t), "u1");
  assert.equal(run("jwt_payload_query($.exp,int)", t), 2000000000);
  assert.equal(run("jwt_payload_query($.roles[1])", t), "b");
  assert.equal(run("jwt_payload_query($.none)", t), undefined);
  assert.equal(run("jwt_payload_query($.sub)", "nodots"), undefined);
});

test("jwt_verify gives HAProxy's codes for HS256 (secret), RS256 and ES256 (PEM files)", async () => {
  const cases = [["HS256", kits.HS256.verifyText], ["RS256", "rs.pem"], ["ES256", `${dir}/es.pem`]];
  for (const [alg, key] of cases) {
    const kit = kits[alg as "HS256"];
    const t = await sign(kit, { sub: "x" });
    assert.equal(run(`jwt_verify(${alg},${key})`, t), 1, alg);
    assert.equal(run(`jwt_verify(${alg},${key})`, tampered(t)), 0, `${alg} tampered`);
    assert.equal(run(`jwt_verify(${alg},${key})`, "a.b"), -3, `${alg} two parts`);
  }
});

test("jwt_verify takes its algorithm from a variable, as HAProxy configs do", async () => {
  const t = await sign(kits.RS256, {});
  const expr = "jwt_verify(txn.alg,rs.pem)";
  assert.equal(run(expr, t, { "txn.alg": "RS256" }), 1);
  assert.equal(run(expr, t, { "txn.alg": "XX999" }), -1);
  assert.equal(run(expr, t, { "txn.alg": "none" }), -2);
  assert.equal(run(expr, t, { "txn.alg": "HS256" }), 0, "the file name as an HMAC secret");
});

test("jwt_valid checks the claims too; usable in an ACL as -m int 1", async () => {
  for (const alg of ["HS256", "RS256", "ES256"] as const) {
    const key = alg === "HS256" ? kits.HS256.verifyText : alg === "RS256" ? "rs.pem" : "es.pem";
    for (const c of await verdictCases(kits[alg])) {
      assert.equal(
        run(`jwt_valid(${alg},${key},${ISSUER},${AUDIENCE})`, c.token),
        c.code,
        `${alg} ${c.name}`,
      );
    }
  }
  const t = await sign(kits.HS256, { iss: "anyone" });
  assert.equal(
    run(`jwt_valid(HS256,${kits.HS256.verifyText})`, t),
    1,
    "no issuer or audience asked",
  );
});

test("bad algorithms and keys are load errors", () => {
  assert.match(error("jwt_verify(none,x)"), /alg "none" is never valid/);
  assert.match(error("jwt_verify(HS257,x)"), /unknown JWT algorithm "HS257"/);
  assert.match(error("jwt_valid(RS256,missing.pem)"), /cannot read key file "missing.pem"/);
  assert.match(error("jwt_valid(RS256,es.pem)"), /holds no key for RS256 \(it has: ec\)/);
  assert.match(error("jwt_verify(RS256,txn.key)"), /key in a variable is not supported/);
  assert.match(error("jwt_valid(HS256,k,i,a,-1)"), /leeway/);
  assert.match(error("jwt_valid(txn.alg,k)"), /unknown JWT algorithm "txn.alg"/);
});
