/** One JWS signature checked synchronously with node:crypto: HMAC by createHmac + timingSafeEqual, the others by verify(). */
import { Buffer } from "node:buffer";
import { createHmac, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import { type JwsAlg, JWT, verifyOptions } from "./jwt_algs.ts";
import { isBase64Url, type JwtShape } from "./jwt_token.ts";

/** 1 when `token`'s signature is `key`'s for `a`, 0 when not, -3 when the signature is malformed. */
export function verifySignature(token: string, shape: JwtShape, a: JwsAlg, key: KeyObject): number {
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
