/** Test tokens: keys made with node:crypto, tokens signed by jose (an implementation other than ours), and broken ones. */
import { Buffer } from "node:buffer";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { type JWTPayload, SignJWT } from "jose";

/** One algorithm's keys: what signs, and what the proxy is given (PEM or secret). */
export interface Kit {
  readonly alg: string;
  readonly signKey: KeyObject | Uint8Array;
  /** The public key as SPKI PEM (asymmetric), or the HMAC secret. */
  readonly verifyText: string;
}

/** Keys for HS256, RS256, ES256, PS256 and EdDSA. */
export function makeKits(): Record<"HS256" | "RS256" | "ES256" | "PS256" | "EdDSA", Kit> {
  const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ed = generateKeyPairSync("ed25519");
  const secret = "hmac-secret-for-tests-0123456789";
  return {
    HS256: { alg: "HS256", signKey: new TextEncoder().encode(secret), verifyText: secret },
    RS256: { alg: "RS256", signKey: rsa.privateKey, verifyText: pem(rsa.publicKey) },
    ES256: { alg: "ES256", signKey: ec.privateKey, verifyText: pem(ec.publicKey) },
    PS256: { alg: "PS256", signKey: rsa.privateKey, verifyText: pem(rsa.publicKey) },
    EdDSA: { alg: "EdDSA", signKey: ed.privateKey, verifyText: pem(ed.publicKey) },
  };
}

export const ISSUER = "https://issuer.test";
export const AUDIENCE = "api";

/** A token signed with the kit, claims as given (times in seconds). */
export function sign(
  kit: Kit,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: kit.alg, ...header }).sign(kit.signKey);
}

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString("base64url");
}

/** An unsigned token: header `{"alg":"none"}`, an empty signature. */
export function unsigned(claims: JWTPayload): string {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
}

/** The token with one signature character changed (in the middle: no padding bits). */
export function tampered(token: string): string {
  const i = token.lastIndexOf(".") + 8;
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
}

/** The verdicts jwt_valid gives each case, and the tokens, for one kit. */
export async function verdictCases(
  kit: Kit,
): Promise<{ name: string; token: string; code: number }[]> {
  const now = Math.floor(Date.now() / 1000);
  const good = { iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 };
  const valid = await sign(kit, good);
  return [
    { name: "valid", token: valid, code: 1 },
    {
      name: "valid, aud in a list",
      token: await sign(kit, { ...good, aud: ["x", AUDIENCE] }),
      code: 1,
    },
    { name: "expired", token: await sign(kit, { ...good, exp: now - 120 }), code: -6 },
    { name: "not yet valid", token: await sign(kit, { ...good, nbf: now + 600 }), code: -7 },
    {
      name: "wrong issuer",
      token: await sign(kit, { ...good, iss: "https://evil.test" }),
      code: -8,
    },
    { name: "wrong audience", token: await sign(kit, { ...good, aud: "other" }), code: -9 },
    { name: "bad signature", token: tampered(valid), code: 0 },
    { name: "alg none", token: unsigned(good), code: -10 },
    { name: "truncated", token: valid.slice(0, valid.lastIndexOf(".")), code: -3 },
    { name: "garbage", token: "not.a.token", code: -3 },
  ];
}
