/** Cookie persistence on HTTP messages: the request's cookie picks the server, the response gets (or has rewritten) the server's cookie. */
import type { CookiePolicy } from "../../backend/cookie.ts";
import type { Server } from "../../backend/server.ts";
import type { HeaderField } from "../../http1/types.ts";

/** What the request said: the server its cookie names (if any), usable or not. */
export interface CookieVerdict {
  /** The server the cookie designates, or null without a (known) cookie. */
  readonly server: Server | null;
}

/**
 * Reads the persistence cookie from the request's Cookie fields and rewrites them as the mode
 * asks: prefix mode strips `SRV~`; insert + indirect removes the cookie entirely.
 */
export function readPersistCookie(
  policy: CookiePolicy,
  servers: readonly Server[],
  headers: HeaderField[],
): CookieVerdict {
  let server: Server | null = null;
  for (let i = 0; i < headers.length; i++) {
    const f = headers[i]!;
    if (f.lname !== "cookie") continue;
    const parts = f.value.split(";");
    let changed = false;
    for (let j = 0; j < parts.length; j++) {
      const p = parts[j]!, eq = p.indexOf("=");
      if (eq < 0 || p.slice(0, eq).trim() !== policy.name) continue;
      let value = p.slice(eq + 1).trim();
      if (policy.mode === "prefix") {
        const cut = value.indexOf("~");
        const id = cut < 0 ? value : value.slice(0, cut);
        server ??= servers.find((s) => s.cookie === id) ?? null;
        value = cut < 0 ? "" : value.slice(cut + 1);
        parts[j] = ` ${policy.name}=${value}`;
        changed = true;
        continue;
      }
      server ??= servers.find((s) => s.cookie !== "" && s.cookie === value) ?? null;
      if (policy.mode === "insert" && policy.indirect) {
        parts[j] = "";
        changed = true;
      }
    }
    if (!changed) continue;
    const value = parts.filter((p) => p.trim() !== "").map((p) => p.trim()).join("; ");
    if (value === "") {
      headers.splice(i--, 1);
    } else f.value = value;
  }
  return { server };
}

/**
 * Applies the policy to the response of a request served by `server`: insert adds Set-Cookie
 * (unless indirect and the client already had it right), rewrite and prefix change the one the
 * server set. `clientHad` is the server the request's cookie named.
 */
export function writePersistCookie(
  policy: CookiePolicy,
  server: Server,
  clientHad: Server | null,
  method: string,
  headers: HeaderField[],
): void {
  if (server.cookie === "" || policy.mode === "passive") return;
  if (policy.mode === "insert") {
    if (!policy.preserve) removeServerCookie(headers, policy.name);
    if (policy.indirect && clientHad === server) return;
    if (policy.postonly && method !== "POST") return;
    let v = `${policy.name}=${server.cookie}; path=/`;
    for (const d of policy.domains) v += `; domain=${d}`;
    if (policy.httponly) v += "; HttpOnly";
    if (policy.secure) v += "; Secure";
    headers.push({ name: "set-cookie", lname: "set-cookie", value: v });
    if (policy.nocache) markPrivate(headers);
    return;
  }
  for (const f of headers) {
    if (f.lname !== "set-cookie") continue;
    const eq = f.value.indexOf("=");
    if (eq < 0 || f.value.slice(0, eq).trim() !== policy.name) continue;
    const end = f.value.indexOf(";", eq);
    const rest = end < 0 ? "" : f.value.slice(end);
    const old = f.value.slice(eq + 1, end < 0 ? undefined : end).trim();
    const value = policy.mode === "rewrite" ? server.cookie : `${server.cookie}~${old}`;
    f.value = `${policy.name}=${value}${rest}`;
  }
}

function removeServerCookie(headers: HeaderField[], name: string): void {
  for (let i = headers.length - 1; i >= 0; i--) {
    const f = headers[i]!;
    if (f.lname !== "set-cookie") continue;
    const eq = f.value.indexOf("=");
    if (eq >= 0 && f.value.slice(0, eq).trim() === name) headers.splice(i, 1);
  }
}

/** A response carrying a persistence cookie must not be cached for other clients. */
function markPrivate(headers: HeaderField[]): void {
  const cc = headers.find((f) => f.lname === "cache-control");
  if (!cc) headers.push({ name: "cache-control", lname: "cache-control", value: "private" });
  else if (!/\bprivate\b|\bno-cache\b|\bno-store\b/i.test(cc.value)) cc.value += ", private";
}
