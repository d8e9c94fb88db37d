/** A compact JWS split into its parts without copying more than needed, and its parts decoded. */
import { Buffer } from "node:buffer";

/** Where the two dots of a compact token are; undefined unless there are exactly two. */
export interface JwtShape {
  readonly dot1: number;
  readonly dot2: number;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** The dots of `token` (header.payload.signature), undefined when it is not three parts. */
export function jwtShape(token: string): JwtShape | undefined {
  const dot1 = token.indexOf(".");
  if (dot1 < 0) return undefined;
  const dot2 = token.indexOf(".", dot1 + 1);
  if (dot2 < 0 || token.indexOf(".", dot2 + 1) >= 0) return undefined;
  return { dot1, dot2 };
}

/** True when `text` is base64url without padding (what a JWS part must be). */
export function isBase64Url(text: string): boolean {
  return B64URL.test(text);
}

/** The text a base64url part decodes to (UTF-8), undefined when it is not base64url. */
export function decodePart(part: string): string | undefined {
  if (!isBase64Url(part) || part.length % 4 === 1) return undefined;
  return Buffer.from(part, "base64url").toString("utf8");
}

/** The decoded header (which = 0) or payload (which = 1) of a token, as JSON text; undefined when malformed. */
export function jwtPartText(token: string, which: 0 | 1): string | undefined {
  const dot1 = token.indexOf(".");
  if (dot1 < 0) return undefined;
  if (which === 0) return decodePart(token.slice(0, dot1));
  const dot2 = token.indexOf(".", dot1 + 1);
  return decodePart(token.slice(dot1 + 1, dot2 < 0 ? token.length : dot2));
}

/**
 * The decoded header (which = 0) or payload (which = 1) of a token as a JSON object; undefined when
 * it is not base64url of a JSON object (what jose's decoders check, without loading jose: 12 MiB of
 * RSS on Bun for two decoders).
 */
export function jwtPartObject(token: string, which: 0 | 1): Record<string, unknown> | undefined {
  const text = jwtPartText(token, which);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
