/** One JWS signature checked synchronously with node:crypto: HMAC by createHmac + timingSafeEqual, the others by verify(). */
import { Buffer } from "node:buffer";
import { createHmac, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import { type JwsAlg, JWT, verifyOptions } from "./jwt_algs.ts";
import { isBase64Url, type JwtShape } from "./jwt_token.ts";

/** HMAC secrets as bytes: createHmac takes them about twice as fast as a KeyObject (Bun). */
const RAW_SECRETS = new WeakMap<KeyObject, Buffer>();

/** 1 when `token`'s signature is `key`'s for `a`, 0 when not, -3 when the signature is malformed. */
export function verifySignature(token: string, shape: JwtShape, a: JwsAlg, key: KeyObject): number {
  if (a.family === "hmac" && hmacTextMatches(token, shape, a, key)) return JWT.OK;
  const sigText = token.slice(shape.dot2 + 1);
  if (sigText === "" || !isBase64Url(sigText)) return JWT.INVALID_TOKEN;
  const sig = Buffer.from(sigText, "base64url");
  const data = token.slice(0, shape.dot2);
  if (a.family === "hmac") {
    const mac = createHmac(a.hash!, key).update(data).digest();
    return mac.length === sig.length && timingSafeEqual(mac, sig) ? JWT.OK : JWT.INVALID_SIGNATURE;
  }
  if (a.family === "ecdsa") {
    if (sig.length % 2 !== 0) return JWT.INVALID_TOKEN;
    if (sig.length !== a.sigLength) return JWT.INVALID_SIGNATURE;
  }
  try {
    return verify(a.hash, Buffer.from(data), { key, ...verifyOptions(a) }, sig)
      ? JWT.OK
      : JWT.INVALID_SIGNATURE;
  } catch {
    return JWT.INVALID_SIGNATURE; // a key of another type: OpenSSL's verify init fails, HAProxy answers 0
  }
}

/**
 * The fast path of an HMAC check: the MAC's base64url text compared with the token's signature
 * text in constant time (no decode, no regex). A mismatch goes the slow way, which gives the
 * verdict (0, or -3 for a malformed or non-canonical signature).
 */
function hmacTextMatches(token: string, shape: JwtShape, a: JwsAlg, key: KeyObject): boolean {
  let raw = RAW_SECRETS.get(key);
  if (raw === undefined) RAW_SECRETS.set(key, raw = key.export());
  const mac = createHmac(a.hash!, raw).update(token.slice(0, shape.dot2)).digest("base64url");
  const at = shape.dot2 + 1;
  let diff = mac.length ^ (token.length - at);
  for (let i = 0; i < mac.length; i++) diff |= mac.charCodeAt(i) ^ token.charCodeAt(at + i);
  return diff === 0;
}
