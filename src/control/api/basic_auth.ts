/** HTTP authentication of the control surfaces: Basic and Bearer credentials read from an Authorization field. */
import { timingSafeEqual } from "node:crypto";

export type Credentials =
  | { kind: "basic"; user: string; password: string }
  | { kind: "bearer"; token: string };

/** The credentials an Authorization value carries, or null when there are none or they are malformed. */
export function readAuthorization(value: string | undefined | null): Credentials | null {
  if (!value) return null;
  const sp = value.indexOf(" ");
  if (sp < 0) return null;
  const scheme = value.slice(0, sp).toLowerCase(), rest = value.slice(sp + 1).trim();
  if (scheme === "bearer") return rest ? { kind: "bearer", token: rest } : null;
  if (scheme !== "basic") return null;
  let text: string;
  try {
    text = atob(rest);
  } catch {
    return null;
  }
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  return { kind: "basic", user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Compares secrets in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The value of a request field, by lower-case name. */
export function fieldOf(
  headers: readonly { lname: string; value: string }[],
  lname: string,
): string | undefined {
  for (const h of headers) if (h.lname === lname) return h.value;
  return undefined;
}
