/** An `alpn` list (binds and servers), refusing `h2` until tsproxy speaks HTTP/2 on that side. */
import { z } from "zod";

/**
 * A list of ALPN protocol names. `h2` is refused: the frontend and the server connections speak
 * HTTP/1.1 only for now (the HTTP/2 codec in src/h2/ is not wired yet), and offering h2 would let a
 * client or server pick a protocol nobody then speaks (issue 18).
 */
export function alpnList(description: string) {
  return z.array(z.string().min(1).max(255)).superRefine((list, ctx) => {
    list.forEach((name, i) => {
      if (name.toLowerCase() !== "h2") return;
      ctx.addIssue({
        code: "custom",
        path: [i],
        message: "h2 is not supported yet: tsproxy speaks HTTP/1.1 only on this side for now " +
          "(offer [http/1.1])",
      });
    });
  }).describe(description);
}
