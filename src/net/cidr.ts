/** IPv4/IPv6 networks in CIDR notation, compiled once into a matcher over address strings. */
import { LENIENT, parseIP, parseIPv4 } from "./ip.ts";

/** An address as 16 bytes (IPv4 as ::ffff:a.b.c.d), or null when `text` is not an IP address. */
export function parseIp(text: string): Uint8Array | null {
  return parseIP(text, LENIENT);
}

/**
 * A predicate telling whether an address lies in `cidr` ("10.0.0.0/8", "::1/128", or a bare address).
 * @throws {RangeError} naming the text when it is not a network.
 */
export function cidrMatcher(cidr: string): (ip: string) => boolean {
  const [addr, len, extra] = cidr.split("/");
  const net = addr === undefined ? null : parseIp(addr);
  const isV4 = addr !== undefined && parseIPv4(addr, LENIENT) !== null;
  const max = isV4 ? 32 : 128;
  const bits = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!net || extra !== undefined || !(bits >= 0 && bits <= max)) {
    throw new RangeError(`Cannot parse network "${cidr}": expected an address or address/prefix`);
  }
  const prefix = isV4 ? bits + 96 : bits;
  return (ip: string) => {
    const a = parseIp(ip);
    if (!a) return false;
    let n = prefix, i = 0;
    for (; n >= 8; n -= 8, i++) if (a[i] !== net[i]) return false;
    if (n === 0) return true;
    const mask = (0xff << (8 - n)) & 0xff;
    return (a[i]! & mask) === (net[i]! & mask);
  };
}
