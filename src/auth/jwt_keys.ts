/** JWT verification keys, read once at load: PEM public keys or certificates, JWKS files, HMAC secrets. */
import { Buffer } from "node:buffer";
import { createPublicKey, createSecretKey, type KeyObject, X509Certificate } from "node:crypto";
import type { AlgFamily, JwsAlg } from "./jwt_algs.ts";

/** One key of a set, with the `kid` and `alg` a JWK may give. */
export interface JwtKey {
  readonly kid?: string | undefined;
  readonly alg?: string | undefined;
  readonly key: KeyObject;
}

/** The keys of a file: one for a PEM, one per usable entry for a JWKS. */
export type KeySet = readonly JwtKey[];

/** An HMAC secret as HAProxy takes it: the argument's bytes. */
export function secretKey(secret: string): KeyObject {
  if (secret === "") throw new Error("an HMAC secret cannot be empty");
  return createSecretKey(Buffer.from(secret, "utf8"));
}

function fromJwk(jwk: Record<string, unknown>, where: string): JwtKey {
  const kid = typeof jwk.kid === "string" ? jwk.kid : undefined;
  const alg = typeof jwk.alg === "string" ? jwk.alg : undefined;
  try {
    const key = jwk.kty === "oct"
      ? createSecretKey(Buffer.from(String(jwk.k ?? ""), "base64url"))
      : createPublicKey({ key: jwk as unknown as import("node:crypto").JsonWebKey, format: "jwk" });
    return { kid, alg, key };
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

/** Reads a key file's text: a PEM public key or certificate, a JWK, or a JWKS ({"keys": [...]}). Throws saying what and where. */
export function parseKeyFile(text: string, path: string): KeySet {
  const t = text.trim();
  if (t.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (e) {
      throw new Error(`${path}: not JSON: ${(e as Error).message}`);
    }
    const obj = doc as Record<string, unknown>;
    const list = Array.isArray(obj.keys) ? obj.keys as Record<string, unknown>[] : [obj];
    const out = list.filter((k) => k.use === undefined || k.use === "sig")
      .map((k, i) => fromJwk(k, `${path}: key ${i}`));
    if (out.length === 0) throw new Error(`${path}: the JWKS holds no signing key`);
    return out;
  }
  try {
    if (t.includes("-----BEGIN CERTIFICATE-----")) {
      return [{ key: new X509Certificate(t).publicKey }];
    }
    return [{ key: createPublicKey(t) }];
  } catch (e) {
    throw new Error(`${path}: not a PEM public key or certificate: ${(e as Error).message}`);
  }
}

const CURVES: Record<string, string> = {
  ES256: "prime256v1",
  ES384: "secp384r1",
  ES512: "secp521r1",
};
const KEY_TYPES: Record<AlgFamily, readonly string[]> = {
  hmac: ["secret"],
  rsa: ["rsa"],
  pss: ["rsa", "rsa-pss"],
  ecdsa: ["ec"],
  eddsa: ["ed25519", "ed448"],
};

/** True when `k` can verify `a` (the key type, the curve, the JWK's alg when it says one). */
export function keyFits(k: JwtKey, a: JwsAlg): boolean {
  if (k.alg !== undefined && k.alg !== a.name) return false;
  const type = k.key.type === "secret" ? "secret" : k.key.asymmetricKeyType ?? "";
  if (!KEY_TYPES[a.family].includes(type)) return false;
  if (a.family !== "ecdsa") return true;
  const curve = k.key.asymmetricKeyDetails?.namedCurve;
  return curve === undefined || curve === CURVES[a.name] ||
    (a.name === "ES256" && curve === "P-256") || (a.name === "ES384" && curve === "P-384") ||
    (a.name === "ES512" && curve === "P-521");
}

/** The key of `set` for `a` and the token's `kid` (any fitting key when the token names none). */
export function pickKey(set: KeySet, a: JwsAlg, kid: string | undefined): KeyObject | undefined {
  for (const k of set) {
    if ((kid === undefined || k.kid === undefined || k.kid === kid) && keyFits(k, a)) return k.key;
  }
  return undefined;
}
