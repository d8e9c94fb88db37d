/** An `alpn` list for binds and for servers (h2 and http/1.1 accepted: a server picking h2 gets HTTP/2). */
import { z } from "zod";

/** A list of ALPN protocol names, as offered in preference order. */
export function alpnList(description: string) {
  return z.array(z.string().min(1).max(255)).describe(description);
}

/** A server's ALPN list: when the handshake picks `h2`, requests go to it as HTTP/2 streams. */
export function serverAlpnList(description: string) {
  return alpnList(description);
}
