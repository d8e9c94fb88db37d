/** Tests for JWT verification: jwt_verify's HAProxy codes and jwt_valid's claim verdicts, per algorithm. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { JWS_ALGS } from "../../../src/auth/jwt_algs.ts";
import { parseKeyFile, secretKey } from "../../../src/auth/jwt_keys.ts";
import { JwtValidator } from "../../../src/auth/jwt_validator.ts";
import { JwtVerifier, type VerifyKey } from "../../../src/auth/jwt_verifier.ts";
import {
  AUDIENCE,
  ISSUER,
  type Kit,
  makeKits,
  sign,
  tampered,
  unsigned,
  verdictCases,
} from "./_tokens.ts";

const kits = makeKits();

function keyOf(kit: Kit): VerifyKey {
  return kit.alg === "HS256"
    ? { secret: secretKey(kit.verifyText) }
    : { set: parseKeyFile(kit.verifyText, "test.pem") };
}

for (const kit of Object.values(kits)) {
  test(`JwtValidator gives each verdict for ${kit.alg}`, async () => {
    const v = new JwtValidator(
      { alg: JWS_ALGS.get(kit.alg)!, issuer: ISSUER, audience: AUDIENCE, leeway: 0 },
      keyOf(kit),
    );
    for (const c of await verdictCases(kit)) {
      assert.equal(v.check(c.token, Date.now()), c.code, c.name);
      assert.equal(v.check(c.token, Date.now()), c.code, `${c.name}, from the cache`);
    }
  });

  test(`JwtVerifier (jwt_verify) checks the signature only, for ${kit.alg}`, async () => {
    const v = new JwtVerifier(keyOf(kit));
    const t = await sign(kit, { exp: 1 }); // expired long ago: jwt_verify does not look
    assert.equal(v.verify(t, kit.alg), 1);
    assert.equal(v.verify(tampered(t), kit.alg), 0);
    assert.equal(v.verify(t.slice(0, t.lastIndexOf(".")), kit.alg), -3, "two parts");
    assert.equal(v.verify(`${t.slice(0, t.lastIndexOf("."))}.`, kit.alg), -3, "empty signature");
    assert.equal(v.verify(`${t}.x`, kit.alg), -3, "four parts");
    assert.equal(v.verify(t, "XX256"), -1, "unknown algorithm");
    assert.equal(v.verify(unsigned({}), "none"), -2, "none is never managed");
  });
}

test("jwt_valid's leeway admits a token expired or early by less than it", async () => {
  const kit = kits.HS256;
  const now = Math.floor(Date.now() / 1000);
  const v = new JwtValidator({ alg: JWS_ALGS.get("HS256")!, leeway: 30 }, keyOf(kit));
  const late = await sign(kit, { exp: now - 10 }), early = await sign(kit, { nbf: now + 10 });
  assert.equal(v.check(late, now * 1000), 1);
  assert.equal(v.check(late, (now + 25) * 1000), -6);
  assert.equal(v.check(early, now * 1000), 1);
  assert.equal(v.check(early, (now - 25) * 1000), -7);
});

test("a token signed with another algorithm than expected is -10; no key for the algorithm -5", async () => {
  const rsOnly = new JwtValidator({ alg: JWS_ALGS.get("RS256")!, leeway: 0 }, keyOf(kits.RS256));
  assert.equal(rsOnly.check(await sign(kits.HS256, {}), Date.now()), -10);
  const verifier = new JwtVerifier(keyOf(kits.ES256));
  assert.equal(verifier.verify(await sign(kits.RS256, {}), "RS256"), -5, "an EC key for RS256");
  assert.equal(new JwtVerifier({}).verify(await sign(kits.RS256, {}), "RS256"), -5, "no key");
});

test("a JWKS picks the key named by the token's kid; an unknown kid is -5", async () => {
  const jwk = (k: Kit, kid: string) => ({
    ...(JSON.parse(JSON.stringify(
      parseKeyFile(k.verifyText, "k.pem")[0]!.key.export({ format: "jwk" }),
    ))),
    kid,
  });
  const jwks = JSON.stringify({ keys: [jwk(kits.RS256, "one"), jwk(kits.ES256, "two")] });
  const set = parseKeyFile(jwks, "jwks.json");
  const v = new JwtValidator({ alg: JWS_ALGS.get("ES256")!, leeway: 0 }, { set });
  assert.equal(v.check(await sign(kits.ES256, {}, { kid: "two" }), Date.now()), 1);
  assert.equal(v.check(await sign(kits.ES256, {}, { kid: "nope" }), Date.now()), -5);
  assert.equal(v.check(await sign(kits.ES256, {}), Date.now()), 1, "no kid: a key that fits");
  assert.throws(() => parseKeyFile("{ nope", "bad.json"), /bad\.json: not JSON/);
  assert.throws(() => parseKeyFile("-----BEGIN PUBLIC KEY-----\nAAAA\n", "bad.pem"), /bad\.pem/);
});
