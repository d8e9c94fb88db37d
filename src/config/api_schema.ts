/** `global.api`: the admin REST API listener (binds, bearer tokens, users). */
import { z } from "zod";
import { bindSchema } from "./bind.ts";

const token = z.strictObject({
  name: z.string().min(1).regex(/^[\w.@-]+$/).describe(
    "Names the token in logs (who changed what).",
  ),
  token: z.string().min(16, "a token needs at least 16 characters").optional(),
  tokenFile: z.string().min(1).optional().describe(
    "A file holding the token (trailing newline ignored).",
  ),
  level: z.enum(["user", "operator", "admin"]).default("admin").describe(
    "What it may run, as HAProxy's stats socket levels.",
  ),
}).refine((t) => (t.token === undefined) !== (t.tokenFile === undefined), {
  message: "give exactly one of token or tokenFile",
});

const user = z.strictObject({
  name: z.string().min(1).regex(/^[^:\s]+$/),
  password: z.string().regex(/^\$(5|6|2[aby]?)\$/, "expected a crypt(3) hash ($5$, $6$)")
    .optional(),
  insecurePassword: z.string().min(1).optional(),
  level: z.enum(["user", "operator", "admin"]).default("admin"),
}).refine((u) => (u.password === undefined) !== (u.insecurePassword === undefined), {
  message: "give exactly one of password or insecurePassword",
});

export const apiSchema = z.strictObject({
  bind: z.array(bindSchema).min(1).prefault(["127.0.0.1:9100"]).describe(
    "Where the API listens; loopback unless told otherwise.",
  ),
  tokens: z.array(token).default([]).describe("Bearer tokens: `Authorization: Bearer <token>`."),
  users: z.array(user).default([]).describe("Basic authentication users."),
}).meta({
  examples: [{
    bind: ["127.0.0.1:9100"],
    tokens: [{ name: "ops", tokenFile: "/etc/tsproxy/ops.token" }],
  }],
}).describe(
  "The admin API (REST and the stats page over Hono): every change runs as a runtime command.",
);

export type ApiConfig = z.output<typeof apiSchema>;
