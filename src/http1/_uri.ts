/** Checks of request targets and Host values (RFC 9112 §3.2, RFC 3986 authority); not re-exported. */

/** reg-name chars: unreserved / sub-delims ("%" handled apart as pct-encoded). */
const REGNAME: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const chars = "-._~!$&'()*+,;=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
})();

/** Chars inside an IP-literal "[...]": hex digits, ":" and "." (IPv6, IPv4-mapped, IPvFuture's "v"). */
const IPLIT: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const chars = "0123456789abcdefABCDEF:.vV";
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
})();

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * True when `v` is `host [":" port]` with a non-empty host: a reg-name (pct-encoding checked), an
 * IPv4 address (a reg-name by grammar) or an IP-literal in brackets. No userinfo ("@"), spaces,
 * controls or non-ASCII. `needPort` asks for a non-empty port (authority-form of CONNECT).
 */
export function isHostPort(v: string, needPort: boolean): boolean {
  const n = v.length;
  let i = 0;
  if (v.charCodeAt(0) === 0x5b) {
    const close = v.indexOf("]");
    if (close < 2) return false;
    for (i = 1; i < close; i++) {
      const c = v.charCodeAt(i);
      if (c > 0xff || IPLIT[c] !== 1) return false;
    }
    i = close + 1;
  } else {
    while (i < n) {
      const c = v.charCodeAt(i);
      if (c === 0x25) {
        if (i + 2 >= n || !isHex(v.charCodeAt(i + 1)) || !isHex(v.charCodeAt(i + 2))) return false;
        i += 3;
      } else if (c < 256 && REGNAME[c] === 1) {
        i++;
      } else {
        break;
      }
    }
    if (i === 0) return false;
  }
  if (i === n) return !needPort;
  if (v.charCodeAt(i) !== 0x3a) return false;
  const port = n - i - 1;
  if (port > 5 || (needPort && port === 0)) return false;
  for (let k = i + 1; k < n; k++) {
    const c = v.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** A Host field value: empty (RFC 9112 §3.2 allows it when the target has no authority) or host[:port]. */
export function isHostValue(v: string): boolean {
  return v.length === 0 || isHostPort(v, false);
}

/**
 * Why a request target is refused, or null when it is fine: every char visible ASCII except "#"
 * (HAProxy refuses fragments too), and a form that fits the method (RFC 9112 §3.2).
 */
export function targetProblem(method: string, target: string): string | null {
  if (target.length === 0) return "empty request target";
  for (let i = 0; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) {
      if (c === 0) return "NUL in request target";
      return c > 0x7e && c !== 0x7f
        ? "non-ASCII byte in request target"
        : "control character in request target";
    }
    if (c === 0x23) return "fragment in request target";
  }
  if (method === "CONNECT") {
    return isHostPort(target, true) ? null : "CONNECT needs an authority-form target (host:port)";
  }
  if (target === "*") return method === "OPTIONS" ? null : "asterisk-form target only with OPTIONS";
  if (target.charCodeAt(0) === 0x2f) return null;
  const a = targetAuthority(method, target);
  if (a === null) return "invalid request target form";
  return isHostPort(a.authority, false) ? null : "invalid authority in absolute-form target";
}

/** Length of a leading "http://" or "https://" (any case), or 0. */
function schemeLength(t: string): number {
  const head = t.slice(0, 8).toLowerCase();
  if (head.startsWith("http://")) return 7;
  if (head === "https://") return 8;
  return 0;
}

/**
 * The authority of a target that carries one, with its scheme: absolute-form ("http"/"https") or
 * CONNECT's authority-form (scheme ""). Null for origin-form, asterisk-form and unknown schemes.
 * The authority is not checked here (`targetProblem` does).
 */
export function targetAuthority(
  method: string,
  target: string,
): { scheme: "http" | "https" | ""; authority: string } | null {
  if (method === "CONNECT") return { scheme: "", authority: target };
  const n = schemeLength(target);
  if (n === 0) return null;
  let end = target.length;
  for (let i = n; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c === 0x2f || c === 0x3f) {
      end = i;
      break;
    }
  }
  return { scheme: n === 8 ? "https" : "http", authority: target.slice(n, end) };
}

/**
 * Whether a Host value names the same authority as the target: host compared case-insensitively,
 * and a missing, empty or default port (80 for http, 443 for https, either for CONNECT) equal to
 * no port, as HAProxy compares them. Both must be valid `host[:port]` already.
 */
export function sameAuthority(
  host: string,
  authority: string,
  scheme: "http" | "https" | "",
): boolean {
  const a = splitAuthority(host, scheme), b = splitAuthority(authority, scheme);
  return a.host === b.host && a.port === b.port;
}

function splitAuthority(v: string, scheme: "http" | "https" | ""): { host: string; port: string } {
  const close = v.charCodeAt(0) === 0x5b ? v.indexOf("]") : -1;
  const colon = v.indexOf(":", close + 1);
  const host = (colon < 0 ? v : v.slice(0, colon)).toLowerCase();
  let port = colon < 0 ? "" : v.slice(colon + 1);
  if (
    (port === "80" && scheme !== "https") || (port === "443" && scheme !== "http")
  ) {
    port = "";
  }
  return { host, port };
}
