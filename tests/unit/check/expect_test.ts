/** Tests for http-check expect: parsing every form, and matching statuses and bodies. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bodyHas, type Expect, matchStatus, parseExpect } from "../../../src/check/expect.ts";

function parsed(line: string): Expect {
  const r = parseExpect(line);
  if (!r.ok) assert.fail(r.error);
  return r.expect;
}

function error(line: string): string {
  const r = parseExpect(line);
  if (r.ok) assert.fail(`"${line}" parsed`);
  return r.error;
}

test("parseExpect() reads status codes, ranges and lists", () => {
  assert.deepEqual(parsed("status 200"), { kind: "status", negate: false, ranges: [[200, 200]] });
  assert.deepEqual(parsed("status 200-399"), {
    kind: "status",
    negate: false,
    ranges: [[200, 399]],
  });
  assert.deepEqual(parsed("  status 200,301-302 "), {
    kind: "status",
    negate: false,
    ranges: [[200, 200], [301, 302]],
  });
});

test("parseExpect() reads ! before the match, with or without a space", () => {
  assert.equal(parsed("! status 500").negate, true);
  assert.equal(parsed("!status 500").negate, true);
  assert.equal(parsed("! rstring ^down").negate, true);
});

test("parseExpect() reads rstatus, string and rstring", () => {
  const r = parsed("rstatus ^[23]");
  assert.equal(r.kind, "rstatus");
  assert.ok(r.kind === "rstatus" && r.regex.test("204"));
  assert.deepEqual(parsed("string all is well"), {
    kind: "string",
    negate: false,
    text: "all is well",
  });
  const rs = parsed("rstring ^ok$");
  assert.ok(rs.kind === "rstring" && rs.regex.source === "^ok$");
});

test("parseExpect() says what is wrong and quotes the line", () => {
  assert.match(
    error("status 2xx"),
    /^http-check expect status: expected status codes .* got "2xx" \(in "status 2xx"\)$/,
  );
  assert.match(error("status 399-200"), /range 399-200 is empty/);
  assert.match(error("status"), /expected status codes/);
  assert.match(error("rstatus ("), /^http-check expect rstatus: invalid regular expression/);
  assert.match(error("string"), /expected the text to find/);
  assert.match(error("rstring"), /expected a regular expression/);
  assert.match(
    error("header x-ok"),
    /unknown match "header" \(expected status, rstatus, string or rstring/,
  );
  assert.match(error(""), /unknown match ""/);
});

test("matchStatus() applies ranges, regexes and !", () => {
  const s = parsed("status 200,300-302");
  assert.deepEqual([200, 201, 300, 302, 303, 500].map((c) => matchStatus(s, c)), [
    true,
    false,
    true,
    true,
    false,
    false,
  ]);
  assert.equal(matchStatus(parsed("! status 500-599"), 503), false);
  assert.equal(matchStatus(parsed("! status 500-599"), 200), true);
  assert.equal(matchStatus(parsed("rstatus ^2"), 204), true);
  assert.equal(matchStatus(parsed("rstatus ^2"), 404), false);
  assert.equal(matchStatus(parsed("! rstatus ^5"), 404), true);
  assert.throws(() => matchStatus(parsed("string x"), 200), /reads the body/);
});

test("bodyHas() finds text and regex matches (before !)", () => {
  assert.equal(bodyHas(parsed("string OK"), "status: OK\n"), true);
  assert.equal(bodyHas(parsed("string OK"), "status: ok\n"), false);
  assert.equal(bodyHas(parsed("! string OK"), "OK"), true, "! is applied by the caller");
  assert.equal(bodyHas(parsed("rstring ^up$"), "up"), true);
  assert.equal(bodyHas(parsed("rstring ^up$"), "up!"), false);
  assert.throws(() => bodyHas(parsed("status 200"), "x"), /reads the status/);
});
