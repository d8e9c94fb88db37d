/** HAProxy's jwt_verify(alg,key): the signature's verdict, asymmetric ones cached per token (bounded LRU). */
import type { KeyObject } from "node:crypto";
import { decodeProtectedHeader } from "jose";
import { JWS_ALGS, JWT } from "./jwt_algs.ts";
import { type KeySet, pickKey } from "./jwt_keys.ts";
import { verifySignature } from "./jwt_signature.ts";
import { jwtShape } from "./jwt_token.ts";
import { Lru } from "./lru.ts";

/** Verdicts kept per verifier: an RS256/ES256 verify costs 0.05 to 1 ms, a hit a lookup. */
export const VERDICT_CACHE_SIZE = 10_000;

/** What a key argument gave: an HMAC secret, the keys of a file, or both (an algorithm read from a variable). */
export interface VerifyKey {
  readonly secret?: KeyObject | undefined;
  readonly set?: KeySet | undefined;
}

/** The token's `kid`, read by jose without verifying; null when the header is not JSON. */
function tokenKid(token: string): { kid: string | undefined } | null {
  try {
    return { kid: decodeProtectedHeader(token).kid };
  } catch {
    return null;
  }
}

/** One jwt_verify converter's verifier: its key, and its cache of asymmetric verdicts. */
export class JwtVerifier {
  readonly #key: VerifyKey;
  /**
   * Signature verdicts by token: they do not change with time, so a token keeps its verdict while
   * the LRU holds it (an expired token replayed costs a lookup, not a verify).
   */
  readonly #cache: Lru<string, number>;

  constructor(key: VerifyKey, cacheSize = VERDICT_CACHE_SIZE) {
    this.#key = key;
    this.#cache = new Lru(cacheSize);
  }

  /** HAProxy's codes: 1 valid, 0 bad signature, -1 unknown alg, -2 `none`, -3 malformed token, -5 no key. */
  verify(token: string, algName: string): number {
    const a = JWS_ALGS.get(algName);
    if (a === undefined) return algName === "none" ? JWT.UNMANAGED_ALG : JWT.UNKNOWN_ALG;
    const shape = jwtShape(token);
    if (shape === undefined) return JWT.INVALID_TOKEN;
    if (a.family === "hmac") {
      const secret = this.#key.secret;
      return secret === undefined ? JWT.UNKNOWN_CERT : verifySignature(token, shape, a, secret);
    }
    const set = this.#key.set;
    if (set === undefined) return JWT.UNKNOWN_CERT;
    const cacheKey = algName === "RS256" ? token : `${algName} ${token}`;
    const hit = this.#cache.get(cacheKey);
    if (hit !== undefined) return hit;
    // a single key needs no header read (HAProxy reads none); a JWKS picks by the token's kid
    const facts = set.length === 1 ? { kid: undefined } : tokenKid(token);
    if (facts === null) return JWT.INVALID_TOKEN;
    const key = pickKey(set, a, facts.kid);
    const code = key === undefined ? JWT.UNKNOWN_CERT : verifySignature(token, shape, a, key);
    this.#cache.set(cacheKey, code);
    return code;
  }
}
