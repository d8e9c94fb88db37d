/** The JWS algorithms (RFC 7518 §3.1, and EdDSA) and HAProxy's jwt_verify return codes. */
import { constants } from "node:crypto";

/** jwt_verify's answers, HAProxy's values (jwt-t.h), and jwt_valid's own below -5. */
export const JWT = {
  OK: 1,
  INVALID_SIGNATURE: 0,
  UNKNOWN_ALG: -1,
  UNMANAGED_ALG: -2,
  INVALID_TOKEN: -3,
  OUT_OF_MEMORY: -4,
  UNKNOWN_CERT: -5,
  /** jwt_valid: `exp` is past (leeway allowed). */
  EXPIRED: -6,
  /** jwt_valid: `nbf` is still to come (leeway allowed). */
  NOT_YET_VALID: -7,
  /** jwt_valid: `iss` is not the issuer expected. */
  WRONG_ISSUER: -8,
  /** jwt_valid: `aud` does not name the audience expected. */
  WRONG_AUDIENCE: -9,
  /** jwt_valid: the header's `alg` is not the algorithm expected (`none` always is not). */
  WRONG_ALG: -10,
} as const;

export type AlgFamily = "hmac" | "rsa" | "pss" | "ecdsa" | "eddsa";

/** How one algorithm verifies. */
export interface JwsAlg {
  readonly name: string;
  readonly family: AlgFamily;
  /** The digest, null for EdDSA (which hashes by itself). */
  readonly hash: string | null;
  /** ECDSA: the length of the raw r||s signature. */
  readonly sigLength?: number;
}

function alg(name: string, family: AlgFamily, hash: string | null, sigLength?: number): JwsAlg {
  return sigLength === undefined ? { name, family, hash } : { name, family, hash, sigLength };
}

/** Every algorithm verified, by its JOSE name. `none` is absent: never valid. */
export const JWS_ALGS: ReadonlyMap<string, JwsAlg> = new Map(
  [
    alg("HS256", "hmac", "sha256"),
    alg("HS384", "hmac", "sha384"),
    alg("HS512", "hmac", "sha512"),
    alg("RS256", "rsa", "sha256"),
    alg("RS384", "rsa", "sha384"),
    alg("RS512", "rsa", "sha512"),
    alg("PS256", "pss", "sha256"),
    alg("PS384", "pss", "sha384"),
    alg("PS512", "pss", "sha512"),
    alg("ES256", "ecdsa", "sha256", 64),
    alg("ES384", "ecdsa", "sha384", 96),
    alg("ES512", "ecdsa", "sha512", 132),
    alg("EdDSA", "eddsa", null),
  ].map((a) => [a.name, a]),
);

/** The verify options of an asymmetric algorithm for node:crypto's verify(). */
export function verifyOptions(
  a: JwsAlg,
): { padding?: number; saltLength?: number; dsaEncoding?: "ieee-p1363" } {
  if (a.family === "pss") {
    return {
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    };
  }
  if (a.family === "ecdsa") return { dsaEncoding: "ieee-p1363" };
  return {};
}
