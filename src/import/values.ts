/** HAProxy's value forms (durations, sizes, addresses) in the forms tsproxy's config takes. */

/** `2s`, `500ms`, `1m`, `3h`, `1d`, a bare number of ms; undefined for what we cannot say. */
export function duration(text: string | undefined): string | number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(\d+)(us|ms|s|m|h|d)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === "d") return `${n * 24}h`;
  if (m[2] === "us") return n % 1000 === 0 ? n / 1000 : undefined;
  return text;
}

/** A positive integer word, or undefined. */
export function integer(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * A bind or server address as `host:port`: `*:80` and `:80` listen on every IPv4 address,
 * `ipv4@`/`ipv6@` prefixes go; unix sockets, port ranges and missing ports give undefined.
 */
export function address(text: string): string | undefined {
  let a = text.replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, "");
  if (/^(unix|abns|fd|sockpair|udp\d?|quic\d?)@/.test(a) || a.startsWith("/")) return undefined;
  if (a.startsWith(":")) a = `0.0.0.0${a}`;
  if (a.startsWith("*:")) a = `0.0.0.0${a.slice(1)}`;
  const m = /^(.*):(\d+)$/.exec(a);
  if (!m || m[1] === "") return undefined;
  const host = m[1]!.includes(":") && !m[1]!.startsWith("[") ? `[${m[1]}]` : m[1]!;
  return `${host}:${m[2]}`;
}
