/** IPv4/IPv6 networks in CIDR notation, compiled once into a matcher over address strings. */

/** An address as 16 bytes (IPv4 as ::ffff:a.b.c.d), or null when `text` is not an IP address. */
export function parseIp(text: string): Uint8Array | null {
  const v4 = parseIpv4(text);
  if (v4) return mapped(v4);
  if (!text.includes(":")) return null;
  const [head, tail, extra] = text.split("::");
  if (extra !== undefined) return null;
  const parts = (s: string | undefined) => (s ? s.split(":") : []);
  const left = parts(head), right = parts(tail);
  const groups: number[] = [];
  const take = (list: string[], into: number[]) => {
    for (const [i, g] of list.entries()) {
      if (i === list.length - 1 && g.includes(".")) {
        const b = parseIpv4(g);
        if (!b) return false;
        into.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) into.push(parseInt(g, 16));
      else return false;
    }
    return true;
  };
  const r: number[] = [];
  if (!take(left, groups) || !take(right, r)) return null;
  if (tail === undefined ? groups.length !== 8 : groups.length + r.length > 7) return null;
  while (tail !== undefined && groups.length + r.length < 8) groups.push(0);
  groups.push(...r);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function parseIpv4(text: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const b = m.slice(1).map(Number);
  return b.every((n) => n <= 255) ? Uint8Array.from(b) : null;
}

function mapped(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/**
 * A predicate telling whether an address lies in `cidr` ("10.0.0.0/8", "::1/128", or a bare address).
 * @throws {RangeError} naming the text when it is not a network.
 */
export function cidrMatcher(cidr: string): (ip: string) => boolean {
  const [addr, len, extra] = cidr.split("/");
  const net = addr === undefined ? null : parseIp(addr);
  const isV4 = addr !== undefined && parseIpv4(addr) !== null;
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
