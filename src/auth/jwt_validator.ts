/** jwt_valid: a token's signature and claims (alg, exp, nbf, iss, aud) in one verdict, kept per token in a bounded LRU. */
import { type JwsAlg, JWT } from "./jwt_algs.ts";
import { pickKey } from "./jwt_keys.ts";
import { verifySignature } from "./jwt_signature.ts";
import { jwtPartObject, jwtShape } from "./jwt_token.ts";
import type { VerifyKey } from "./jwt_verifier.ts";
import { VERDICT_CACHE_SIZE } from "./jwt_verifier.ts";
import { Lru } from "./lru.ts";

/** What a token must be: signed with `alg`, and when given, by `issuer` for `audience`. */
export interface TokenRules {
  readonly alg: JwsAlg;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  /** Clock tolerance on exp and nbf, seconds. */
  readonly leeway: number;
}

/** What a token is, independent of time: a verdict, and its exp/nbf (seconds) to compare with the clock. */
/** The registered claims read here (RFC 7519), as a decoded payload may hold them. */
interface JWTPayload {
  readonly [claim: string]: unknown;
  readonly iss?: unknown;
  readonly aud?: unknown;
  readonly exp?: unknown;
  readonly nbf?: unknown;
}

interface Verdict {
  /** 1, or the first reason it is not valid whatever the time. */
  readonly code: number;
  readonly exp: number;
  readonly nbf: number;
}

const MALFORMED: Verdict = { code: JWT.INVALID_TOKEN, exp: Infinity, nbf: -Infinity };

function claimsCode(p: JWTPayload, r: TokenRules): number {
  if (r.issuer !== undefined && p.iss !== r.issuer) return JWT.WRONG_ISSUER;
  if (r.audience === undefined) return JWT.OK;
  const aud = p.aud;
  const ok = aud === r.audience || (Array.isArray(aud) && aud.includes(r.audience));
  return ok ? JWT.OK : JWT.WRONG_AUDIENCE;
}

/** One jwt_valid converter's checker. */
export class JwtValidator {
  readonly #rules: TokenRules;
  readonly #key: VerifyKey;
  readonly #cache: Lru<string, Verdict>;

  constructor(rules: TokenRules, key: VerifyKey, cacheSize = VERDICT_CACHE_SIZE) {
    this.#rules = rules;
    this.#key = key;
    this.#cache = new Lru(cacheSize);
  }

  /**
   * 1 when valid at `nowMs`; else 0 (bad signature), -3 (malformed), -5 (no key for its kid),
   * -6 (expired), -7 (not yet valid), -8 (issuer), -9 (audience), -10 (another alg, `none` too).
   * The signature is checked once per distinct token; the clock each time.
   */
  check(token: string, nowMs: number): number {
    let v = this.#cache.get(token);
    if (v === undefined) this.#cache.set(token, v = this.#evaluate(token));
    if (v.code === JWT.INVALID_SIGNATURE || v.code === JWT.INVALID_TOKEN) return v.code;
    if (v.code === JWT.WRONG_ALG || v.code === JWT.UNKNOWN_CERT) return v.code;
    const now = nowMs / 1000, leeway = this.#rules.leeway;
    if (now >= v.exp + leeway) return JWT.EXPIRED;
    if (now + leeway < v.nbf) return JWT.NOT_YET_VALID;
    return v.code;
  }

  #evaluate(token: string): Verdict {
    const shape = jwtShape(token);
    if (shape === undefined) return MALFORMED;
    const h = jwtPartObject(token, 0), p: JWTPayload | undefined = jwtPartObject(token, 1);
    if (h === undefined || p === undefined) return MALFORMED;
    const alg = h.alg, kid = h.kid as string | undefined;
    const a = this.#rules.alg;
    if (alg !== a.name) return { ...MALFORMED, code: JWT.WRONG_ALG };
    const exp = p.exp === undefined ? Infinity : p.exp,
      nbf = p.nbf === undefined ? -Infinity : p.nbf;
    if (typeof exp !== "number" || typeof nbf !== "number") return MALFORMED;
    const key = a.family === "hmac"
      ? this.#key.secret
      : this.#key.set && pickKey(this.#key.set, a, kid);
    if (key === undefined) return { ...MALFORMED, code: JWT.UNKNOWN_CERT };
    const sig = verifySignature(token, shape, a, key);
    if (sig !== JWT.OK) return { ...MALFORMED, code: sig };
    return { code: claimsCode(p, this.#rules), exp, nbf };
  }
}
