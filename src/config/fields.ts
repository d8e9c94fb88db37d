/** Schema building blocks shared by the config sections: parsed strings, durations, addresses, names, modes. */
import { z } from "zod";
import { type AddressKind, parseAddress } from "./address.ts";
import { parseDuration } from "./duration.ts";

/**
 * A zod transform running `parse`; the message of what it throws becomes the field's issue, so a
 * config error reads as the parser wrote it (`expected host:port, got "foo"`).
 */
export function parsing<I, O>(parse: (value: I) => O) {
  return (value: I, ctx: z.core.$RefinementCtx<I>): O => {
    try {
      return parse(value);
    } catch (error) {
      ctx.issues.push({ code: "custom", message: (error as Error).message, input: value });
      return z.NEVER;
    }
  };
}

/** The result of a parser that reports failure as a value: returned when ok, its error thrown otherwise. */
export function orThrow<R extends { ok: true } | { ok: false; error: string }>(
  r: R,
): Extract<R, { ok: true }> {
  if (!r.ok) throw new Error((r as { error: string }).error);
  return r as Extract<R, { ok: true }>;
}

/**
 * What parseDuration accepts, for the JSON Schema: `pattern` applies to strings only and `minimum`
 * to numbers only, so both sit on the union (editors then refuse `"5 s"` as check does).
 */
export const DURATION_FORM = {
  pattern: "^\\s*(\\d+(\\.\\d+)?|((\\d+(\\.\\d+)?|\\.\\d+)(ms|s|m|h))+)\\s*$",
  minimum: 0,
};

/** A duration (`5s`, `250ms`, `1m30s`, or milliseconds), in milliseconds. */
export function duration(description: string) {
  return z
    .union([z.string(), z.number()], {
      error: "expected a duration such as 5s, 250ms, 1m30s or a number of milliseconds",
    })
    .transform(parsing(parseDuration))
    .meta({ description, examples: ["5s", "250ms", "1m30s"], ...DURATION_FORM });
}

/** A `host:port` address; a bind may ask for port 0 and any address, a server may not. */
export function address(kind: AddressKind, description: string) {
  return z
    .string({ error: "expected a host:port string" })
    .transform(parsing((value: string) => parseAddress(value, kind)))
    .meta({
      description,
      examples: kind === "bind" ? ["127.0.0.1:7000", "[::]:80", ":443"] : ["10.0.0.5:5432"],
    });
}

/** A frontend, backend or server name. */
export const name = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/, "a name may hold only letters, digits and _ . : -");

/** A connection limit; `what` completes "Most connections ... at once." */
export function maxconn(what: string) {
  return z.number().int().positive().describe(`Most connections ${what} at once.`);
}

/** A section's mode: tcp or http. */
export const mode = z.enum(["tcp", "http"]).describe(
  "tcp: forward bytes as they are; http: parse HTTP/1 requests and responses.",
);
