/** `host:port` addresses in the config: IPv4, hostnames and `[v6]:port`. */
import { parseIPv4, parseIPv6 } from "../net/ip.ts";

/** A parsed address; `host` holds an IPv6 address without brackets. */
export interface Address {
  host: string;
  port: number;
}

/** What the address is for: a bind may ask for port 0 (the OS chooses), a server may not. */
export type AddressKind = "bind" | "server";

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * Parses `host:port`. A bind also accepts `*:port` and `:port`, meaning every IPv4 address.
 *
 * @example
 * ```ts
 * parseAddress("[::1]:8080", "bind"); // { host: "::1", port: 8080 }
 * ```
 * @throws {TypeError} e.g. `expected host:port, got "foo"`
 */
export function parseAddress(text: string, kind: AddressKind): Address {
  const bad = (why?: string) =>
    new TypeError(`expected host:port, got ${JSON.stringify(text)}${why ? ` (${why})` : ""}`);
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0 || text[close + 1] !== ":") throw bad();
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (!parseIPv6(host, { zone: true })) throw bad(`"${host}" is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) throw bad();
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(":")) throw bad("write an IPv6 address in brackets: [::1]:80");
    if (kind === "bind" && (host === "" || host === "*")) host = "0.0.0.0";
    if (/^[\d.]+$/.test(host) && parseIPv4(host) === null) {
      throw bad(`"${host}" is not an IPv4 address`);
    }
    if (!HOSTNAME.test(host)) throw bad(`"${host}" is not a valid host name`);
  }
  if (!/^\d{1,5}$/.test(portText)) throw bad(`"${portText}" is not a port number`);
  const port = Number(portText);
  const min = kind === "bind" ? 0 : 1;
  if (port < min || port > 65535) {
    throw new RangeError(`port ${port} in ${JSON.stringify(text)} is out of range ${min}-65535`);
  }
  return { host, port };
}

/** Formats an address back to `host:port`, bracketing IPv6 hosts. */
export function formatAddress(address: Address): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}
