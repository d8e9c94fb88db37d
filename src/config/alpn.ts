/** An `alpn` list for binds (h2 and http/1.1 accepted) and for servers (h2 refused until server connections speak HTTP/2). */
import { z } from "zod";

/** A list of ALPN protocol names, as offered in preference order. */
export function alpnList(description: string) {
  return z.array(z.string().min(1).max(255)).describe(description);
}

/**
 * A server's ALPN list: `h2` is refused, since server connections speak HTTP/1.1 only for now
 * (`proto: h2` on servers is a later slice of issue 18), and offering it would let a server pick
 * a protocol nobody then speaks.
 */
export function serverAlpnList(description: string) {
  return alpnList(description).superRefine((list, ctx) => {
    list.forEach((name, i) => {
      if (name.toLowerCase() !== "h2") return;
      ctx.addIssue({
        code: "custom",
        path: [i],
        message: "h2 is not supported yet on server connections: tsproxy speaks HTTP/1.1 to " +
          "servers for now (offer [http/1.1])",
      });
    });
  });
}
