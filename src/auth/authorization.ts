/** Reads an Authorization value the way HAProxy's http_auth_* fetches do: its scheme, Basic user and password, Bearer token. */

/** HAProxy's names of the schemes http_auth_type returns. */
export type AuthScheme = "Basic" | "Digest" | "Bearer";

const SCHEMES: Record<string, AuthScheme> = { basic: "Basic", digest: "Digest", bearer: "Bearer" };

/** The scheme word before the first space, as HAProxy names it; undefined for another or none. */
export function authScheme(value: string): AuthScheme | undefined {
  const sp = value.indexOf(" ");
  return sp < 0 ? undefined : SCHEMES[value.slice(0, sp).toLowerCase()];
}

/** What follows the scheme, spaces trimmed. */
function credentials(value: string): string {
  return value.slice(value.indexOf(" ") + 1).trim();
}

/** The Bearer token of `value`, undefined when the scheme is another or the token empty. */
export function bearerToken(value: string): string | undefined {
  if (authScheme(value) !== "Bearer") return undefined;
  const t = credentials(value);
  return t === "" ? undefined : t;
}

/** Basic credentials: the base64 text as sent (a cache key), the user and the password. */
export interface BasicCredentials {
  readonly encoded: string;
  readonly user: string;
  readonly password: string;
}

/** The Basic credentials of `value`; undefined for another scheme, bad base64 or no colon. */
export function basicCredentials(value: string): BasicCredentials | undefined {
  if (authScheme(value) !== "Basic") return undefined;
  const encoded = credentials(value);
  let text: string;
  try {
    text = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  return { encoded, user: text.slice(0, colon), password: text.slice(colon + 1) };
}
