/** HTTP settings a frontend may set and `defaults` gives to all: connection mode, forwarded headers, error files, log format. */
import { z } from "zod";
import { cidrMatcher } from "../net/cidr.ts";

function isNetwork(text: string): boolean {
  try {
    cidrMatcher(text);
    return true;
  } catch {
    return false;
  }
}

const logFormat = z.enum(["httplog", "tcplog", "json", "off"]).describe(
  "Access log format: httplog (HTTP mode default), tcplog (TCP mode default), json, or off.",
);

const connectionMode = z.enum(["http-keep-alive", "http-server-close", "httpclose"]).describe(
  "http-keep-alive: keep client and server connections open; http-server-close: close the server " +
    "side after each response; httpclose: close both.",
);

const forwardfor = z.union([
  z.boolean(),
  z.strictObject({
    header: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected a header name")
      .default("X-Forwarded-For").describe("The header to add."),
    except: z.string().refine(isNetwork, "expected a network such as 127.0.0.0/8").optional()
      .describe(
        "A network (CIDR, e.g. 127.0.0.0/8) whose clients get no header.",
      ),
  }),
]).describe("Add the client's address in X-Forwarded-For (option forwardfor).");

/** HTTP settings a frontend may set and `defaults` gives to all. */
export const httpOptions = {
  httpConnectionMode: connectionMode.optional(),
  forwardfor: forwardfor.optional(),
  forwardedProto: z.boolean().optional().describe("Add X-Forwarded-Proto and X-Forwarded-Host."),
  forwarded: z.boolean().optional().describe("Add an RFC 7239 Forwarded header."),
  via: z.string().optional().describe('Add a Via header naming this proxy (e.g. "tsproxy").'),
  acceptConnect: z.boolean().optional().describe(
    "Accept CONNECT requests and tunnel them; refused with 405 otherwise.",
  ),
  errorfiles: z.record(
    z.string().regex(/^[1-5][0-9][0-9]$/, "expected an HTTP status code"),
    z.string().min(1),
  ).optional().describe(
    "Files holding a whole HTTP response (status line, headers, body) sent instead of the " +
      "built-in page for that status.",
  ),
  log: logFormat.optional(),
};
