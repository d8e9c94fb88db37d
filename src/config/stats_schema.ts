/** A frontend's (or the defaults') `stats`: HAProxy's stats uri/refresh/auth/realm/admin/hide-version. */
import { z } from "zod";
import { duration } from "./fields.ts";

export const statsSchema = z.strictObject({
  uri: z.string().regex(/^\//, "expected a path starting with /").default("/haproxy?stats")
    .describe("Requests whose path starts with this get the stats page (stats uri)."),
  refresh: duration("Reload the page this often (stats refresh); 0: never.").optional(),
  auth: z.array(z.string().regex(/^[^:]+:/, 'expected "user:password"')).optional().describe(
    'Users allowed, as "user:password" (stats auth); without it the page is open to all.',
  ),
  realm: z.string().regex(/^[^"\r\n]*$/, "no quotes or line breaks").default("HAProxy Statistics")
    .describe("The realm of the Basic authentication prompt (stats realm)."),
  admin: z.string().regex(/^(if|unless)\s/, 'expected a condition: "if ..." or "unless ..."')
    .optional().describe(
      "When this condition matches, the page shows forms that change servers (stats admin), " +
        'e.g. "if LOCALHOST" or "if TRUE" behind auth.',
    ),
  hideVersion: z.boolean().default(false).describe("Do not show the version (stats hide-version)."),
}).meta({ examples: [{ uri: "/stats", refresh: "10s", auth: ["admin:secret"], admin: "if TRUE" }] })
  .describe("The stats page, answered by the proxy itself on this frontend.");

export type StatsConfig = z.output<typeof statsSchema>;
