/** `global.syslog`: the envelope of lines sent to a syslog target in `global.log` (HAProxy's `log` facility, format, tag, hostname, len). */
import { z } from "zod";
import { FACILITIES, type Facility } from "../log/syslog_format.ts";
import { isSyslogTarget, parseSyslogTarget } from "../log/syslog_target.ts";

const facilityNames = Object.keys(FACILITIES) as [Facility, ...Facility[]];

export const syslogSchema = z.strictObject({
  facility: z.enum(facilityNames).default("local0").describe(
    "Syslog facility of every line (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, " +
      "cron, auth2, ftp, ntp, audit, alert, cron2, local0-local7).",
  ),
  framing: z.enum(["rfc5424", "rfc3164"]).default("rfc5424").describe(
    "Header format: rfc5424 (<PRI>1 TIMESTAMP HOST TAG PID - - MSG) or rfc3164 " +
      "(<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG). Over TCP each message is octet-counted (RFC 6587).",
  ),
  tag: z.string().regex(/^[!-~]{1,48}$/, "1-48 printable characters, no space").default("tsproxy")
    .describe("APP-NAME (RFC 5424) or TAG (RFC 3164)."),
  hostname: z.string().regex(/^[!-~]{1,255}$/, "printable characters, no space").optional()
    .describe("HOSTNAME field; the machine's host name when absent."),
  len: z.number().int().min(80).max(65535).default(1024).describe(
    "Longest message in bytes, header included; longer lines are truncated (HAProxy's len).",
  ),
}).optional().describe(
  "Envelope of lines sent to a syslog target (global.log udp://, tcp://, unix://); " +
    "absent: local0, rfc5424, tag tsproxy, the machine's host name, len 1024.",
);

/** `global.log`: stdout, stderr, none, a file path, or a syslog target checked here. */
export const logTarget = z.string().min(1).default("stdout").superRefine((text, ctx) => {
  if (!isSyslogTarget(text)) return;
  try {
    parseSyslogTarget(text);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
  }
}).describe(
  'Where access log lines go: "stdout", "stderr", "none", a file path (appended to), or a syslog ' +
    "server: udp://HOST[:PORT] (514 by default), tcp://HOST:PORT, unix:///PATH (a stream socket); " +
    "the proxy's own lines go there too, at their level.",
);
