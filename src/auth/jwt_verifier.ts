/** HAProxy's jwt_verify(alg,key): the signature's verdict, cached per token and algorithm (bounded LRU). */
import type { KeyObject } from "node:crypto";
import { JWS_ALGS, type JwsAlg, JWT } from "./jwt_algs.ts";
import { type KeySet, pickKey } from "./jwt_keys.ts";
import { verifySignature } from "./jwt_signature.ts";
import { jwtPartObject, type JwtShape, jwtShape } from "./jwt_token.ts";
import { Lru } from "./lru.ts";

/** Verdicts kept per verifier: an RS256/ES256 verify costs 0.05 to 1 ms, an HS256 one 3 to 30 µs, a hit a lookup. */
export const VERDICT_CACHE_SIZE = 10_000;

/** What a key argument gave: an HMAC secret, the keys of a file, or both (an algorithm read from a variable). */
export interface VerifyKey {
  readonly secret?: KeyObject | undefined;
  readonly set?: KeySet | undefined;
}

/** The token's `kid`, read by jose without verifying; null when the header is not JSON. */
function tokenKid(token: string): { kid: string | undefined } | null {
  const header = jwtPartObject(token, 0);
  if (header === undefined) return null;
  return { kid: header.kid as string | undefined };
}

/** One jwt_verify converter's verifier: its key, and a cache of verdicts per algorithm. */
export class JwtVerifier {
  readonly #key: VerifyKey;
  /**
   * Signature verdicts by token: they do not change with time, so a token keeps its verdict while
   * the LRU holds it (an expired token replayed costs a lookup, not a verify).
   */
  readonly #caches = new Map<string, Lru<string, number>>();
  readonly #size: number;

  constructor(key: VerifyKey, cacheSize = VERDICT_CACHE_SIZE) {
    this.#key = key;
    this.#size = cacheSize;
  }

  /** HAProxy's codes: 1 valid, 0 bad signature, -1 unknown alg, -2 `none`, -3 malformed token, -5 no key. */
  verify(token: string, algName: string): number {
    const a = JWS_ALGS.get(algName);
    if (a === undefined) return algName === "none" ? JWT.UNMANAGED_ALG : JWT.UNKNOWN_ALG;
    const shape = jwtShape(token);
    if (shape === undefined) return JWT.INVALID_TOKEN;
    let cache = this.#caches.get(algName);
    if (cache === undefined) this.#caches.set(algName, cache = new Lru(this.#size));
    let code = cache.get(token);
    if (code === undefined) cache.set(token, code = this.#verify(token, shape, a));
    return code;
  }

  #verify(token: string, shape: JwtShape, a: JwsAlg): number {
    if (a.family === "hmac") {
      const secret = this.#key.secret;
      return secret === undefined ? JWT.UNKNOWN_CERT : verifySignature(token, shape, a, secret);
    }
    const set = this.#key.set;
    if (set === undefined) return JWT.UNKNOWN_CERT;
    // a single key needs no header read (HAProxy reads none); a JWKS picks by the token's kid
    const facts = set.length === 1 ? { kid: undefined } : tokenKid(token);
    if (facts === null) return JWT.INVALID_TOKEN;
    const key = pickKey(set, a, facts.kid);
    return key === undefined ? JWT.UNKNOWN_CERT : verifySignature(token, shape, a, key);
  }
}
