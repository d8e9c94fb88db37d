/** Syslog message headers: RFC 5424 and RFC 3164 framing, PRI from facility and severity, RFC 6587 octet counting. */

/** Facility names and numbers (RFC 5424 §6.2.1, HAProxy's `log` facility names). */
export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  auth2: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  cron2: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type Facility = keyof typeof FACILITIES;

/** Severity names and numbers (RFC 5424 §6.2.1). */
export const SEVERITIES = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;
export type Severity = keyof typeof SEVERITIES;

export type SyslogFraming = "rfc5424" | "rfc3164";

/** The envelope every message of one target gets. */
export interface SyslogEnvelope {
  facility: Facility;
  framing: SyslogFraming;
  /** APP-NAME (RFC 5424) or TAG (RFC 3164). */
  tag: string;
  hostname: string;
  pid: number;
  /** Longest message in bytes, header included (HAProxy's `len`); longer ones are truncated. */
  len: number;
}

/** The PRI value: facility × 8 + severity. */
export function pri(facility: Facility, severity: Severity): number {
  const f = FACILITIES[facility], s = SEVERITIES[severity];
  if (f === undefined) throw new RangeError(`Unknown syslog facility "${facility}"`);
  if (s === undefined) throw new RangeError(`Unknown syslog severity "${severity}"`);
  return f * 8 + s;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => (n < 10 ? "0" : "") + n;

/** `2026-12-07T07:18:21.123Z` (UTC, milliseconds). */
export function rfc5424Time(ms: number): string {
  return new Date(ms).toISOString();
}

/** `Dec  7 07:18:21` (UTC; the day is padded with a space, as RFC 3164 says). */
export function rfc3164Time(ms: number): string {
  const d = new Date(ms);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? " " : ""}${day} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * A function turning one message into a syslog message for `env`, header cached per second:
 * RFC 5424 `<PRI>1 TIMESTAMP HOST TAG PID - - MSG`, RFC 3164 `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG`.
 */
export function syslogFramer(
  env: SyslogEnvelope,
): (msg: string, severity: Severity, ms: number) => string {
  const base = FACILITIES[env.facility] * 8;
  const host = env.hostname === "" ? "-" : env.hostname.replace(/\s/g, "_");
  let second = -1;
  let timePart = "";
  return (msg, severity, ms) => {
    const head = `<${base + SEVERITIES[severity]}>`;
    let out: string;
    if (env.framing === "rfc5424") {
      out = `${head}1 ${rfc5424Time(ms)} ${host} ${env.tag} ${env.pid} - - ${msg}`;
    } else {
      const s = Math.floor(ms / 1000);
      if (s !== second) {
        second = s;
        timePart = rfc3164Time(ms);
      }
      out = `${head}${timePart} ${host} ${env.tag}[${env.pid}]: ${msg}`;
    }
    return out.length > env.len ? truncate(out, env.len) : out;
  };
}

/** Cuts `text` to at most `len` UTF-8 bytes (never inside a character). */
export function truncate(text: string, len: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= len) return text;
  return new TextDecoder().decode(bytes.subarray(0, len)).replace(/\uFFFD$/, "");
}

/** RFC 6587 octet counting: `LEN SP MSG`, LEN the message's length in bytes. */
export function octetCounted(msg: string): string {
  return `${byteLength(msg)} ${msg}`;
}

/** UTF-8 length of `text` without encoding it when it is ASCII. */
export function byteLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 2; // a surrogate pair is 4 bytes: 2 units + 2
      i++;
    } else n += 2;
  }
  return n;
}
