/** Turns zod issues into config errors with messages in the config's own words. */
import type { z } from "zod";
import type { ConfigError, ConfigPath } from "./errors.ts";

/** Builds a located ConfigError; `key` asks for the line of the key rather than the value. */
export type MakeError = (path: ConfigPath, message: string, key?: boolean) => ConfigError;

const MISSING = "required field is missing";

const EXPECTED: Readonly<Record<string, string>> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};

/**
 * Messages for zod's built-in checks. Passed as the per-parse error map, so messages set on
 * the schema itself (e.g. for durations) still win.
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const got = `got ${describe(issue.input)}`;
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return MISSING;
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, ${got}`;
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, ${got}`;
    case "too_small":
      if (issue.origin === "array") return `needs at least ${issue.minimum} item(s)`;
      if (issue.origin === "string") return `must not be empty`;
      return `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}, ${got}`;
    case "too_big":
      return `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}, ${got}`;
    default:
      return undefined;
  }
}

/** The key an unknown key at `path` was probably meant as (see key_hint.ts); undefined: none. */
export type KeyHint = (path: ConfigPath, key: string) => string | undefined;

/**
 * One zod issue as config errors: an unknown-keys issue becomes one error per key, with the
 * key `hint` proposes: `unknown key "default_backend": did you mean "defaultBackend"?`.
 */
export function fromZod(
  issue: z.core.$ZodIssue,
  error: MakeError,
  hint: KeyHint = () => undefined,
): ConfigError[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => {
      const meant = hint(issue.path, k);
      const more = meant === undefined ? "" : `: did you mean "${meant}"?`;
      return error([...issue.path, k], `unknown key "${k}"${more}`, true);
    });
  }
  if (issue.code === "invalid_key") {
    const why = issue.issues.map((i) => i.message).join("; ");
    return [error(issue.path, `invalid name: ${why}`, true)];
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // the alternative the value was written as (a string, a mapping) explains the mistake
    const fits = issue.errors.filter((branch) =>
      !branch.some((i) => i.code === "invalid_type" && i.path.length === 0)
    );
    if (fits.length === 1) {
      return fits[0]!.flatMap((i) =>
        fromZod({ ...i, path: [...issue.path, ...i.path] }, error, hint)
      );
    }
    // the input is the same for every branch: one saying it is missing speaks for all
    const roots = issue.errors.flatMap((b) =>
      b.filter((i) => i.code === "invalid_type" && i.path.length === 0)
    );
    if (roots.some((i) => i.message === MISSING)) {
      return [error(issue.path, MISSING)];
    }
    const kinds = issue.errors.flatMap((b) =>
      b.filter((i) => i.code === "invalid_type" && i.path.length === 0)
        .map((i) => EXPECTED[(i as { expected: string }).expected] ?? "")
    ).filter((k) => k !== "");
    if (kinds.length === issue.errors.length) {
      const got = issue.input === undefined ? "" : `, got ${describe(issue.input)}`;
      return [error(issue.path, `expected ${kinds.join(" or ")}${got}`)];
    }
  }
  return [error(issue.path, issue.message)];
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  return String(value);
}
