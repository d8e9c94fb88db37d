/** `http-check expect` in HAProxy syntax: parsed once from the config, then matched against responses. */

/** A parsed expectation; `negate` is HAProxy's `!`. */
export type Expect =
  /** Status within any of the ranges (a single code is a range of one). */
  | {
    readonly kind: "status";
    readonly negate: boolean;
    readonly ranges: readonly [number, number][];
  }
  /** The three-digit status matches the regular expression. */
  | { readonly kind: "rstatus"; readonly negate: boolean; readonly regex: RegExp }
  /** The body holds the text. */
  | { readonly kind: "string"; readonly negate: boolean; readonly text: string }
  /** The body matches the regular expression. */
  | { readonly kind: "rstring"; readonly negate: boolean; readonly regex: RegExp };

/** HAProxy's default when no `expect` is given: a 2xx or 3xx status. */
export const DEFAULT_EXPECT: Expect = { kind: "status", negate: false, ranges: [[200, 399]] };

export type ExpectResult = { ok: true; expect: Expect } | { ok: false; error: string };

const CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/**
 * Parses `[!] status|rstatus|string|rstring <pattern>`. `status` takes codes and ranges separated by
 * commas (`200`, `200-399`, `200,301-302`); `rstatus` and `rstring` take a regular expression (not
 * anchored: `^5` matches 5xx); `string` takes the rest of the line as the text to find.
 *
 * @example
 * ```ts
 * parseExpect("! rstatus ^5"); // { ok: true, expect: { kind: "rstatus", negate: true, regex: /^5/ } }
 * parseExpect("status 2xx"); // { ok: false, error: 'http-check expect status: expected codes ...' }
 * ```
 */
export function parseExpect(line: string): ExpectResult {
  let rest = line.trim();
  let negate = false;
  if (rest.startsWith("!")) {
    negate = true;
    rest = rest.slice(1).trimStart();
  }
  const m = /^(\S+)\s*(.*)$/s.exec(rest);
  const kind = m?.[1] ?? "";
  const pattern = (m?.[2] ?? "").trim();
  const fail = (why: string): ExpectResult => ({
    ok: false,
    error: `http-check expect ${kind}: ${why} (in ${JSON.stringify(line)})`,
  });
  switch (kind) {
    case "status": {
      if (!CODES.test(pattern)) {
        return fail(
          `expected status codes or ranges such as 200, 200-399 or 200,302, got "${pattern}"`,
        );
      }
      const ranges = pattern.split(",").map((part): [number, number] => {
        const [lo = "", hi = lo] = part.split("-");
        return [Number(lo), Number(hi)];
      });
      const bad = ranges.find(([lo, hi]) => lo > hi || lo < 100 || hi > 999);
      if (bad) return fail(`range ${bad[0]}-${bad[1]} is empty or outside 100-999`);
      return { ok: true, expect: { kind, negate, ranges } };
    }
    case "rstatus":
    case "rstring": {
      if (pattern === "") return fail("expected a regular expression");
      try {
        return { ok: true, expect: { kind, negate, regex: new RegExp(pattern) } };
      } catch (err) {
        return fail(`invalid regular expression: ${(err as Error).message}`);
      }
    }
    case "string":
      if (pattern === "") return fail("expected the text to find in the body");
      return { ok: true, expect: { kind, negate, text: pattern } };
    default:
      return {
        ok: false,
        error: `http-check expect: unknown match "${kind}" (expected status, rstatus, string or ` +
          `rstring, optionally after !) in ${JSON.stringify(line)}`,
      };
  }
}

/** True when the expectation reads the body (then the whole response is awaited). */
export function needsBody(expect: Expect): boolean {
  return expect.kind === "string" || expect.kind === "rstring";
}

/** Whether `status` meets a status expectation (`!` applied). */
export function matchStatus(expect: Expect, status: number): boolean {
  let hit: boolean;
  if (expect.kind === "status") {
    hit = expect.ranges.some(([lo, hi]) => status >= lo && status <= hi);
  } else if (expect.kind === "rstatus") hit = expect.regex.test(String(status));
  else throw new TypeError(`matchStatus: a ${expect.kind} expectation reads the body`);
  return hit !== expect.negate;
}

/** Whether `body` holds what a body expectation looks for, before `!` is applied. */
export function bodyHas(expect: Expect, body: string): boolean {
  if (expect.kind === "string") return body.includes(expect.text);
  if (expect.kind === "rstring") return expect.regex.test(body);
  throw new TypeError(`bodyHas: a ${expect.kind} expectation reads the status`);
}
