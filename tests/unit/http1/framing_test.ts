/** requestFraming / responseFraming / parseContentLength: body delimitation and its refusals. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseContentLength, requestFraming, responseFraming } from "../../../src/http1/framing.ts";
import type { HeaderField, RequestHead, ResponseHead } from "../../../src/http1/types.ts";

function fields(raw: [string, string][]): HeaderField[] {
  return raw.map(([name, value]) => ({ name, lname: name.toLowerCase(), value }));
}

function request(h: [string, string][], minor: 0 | 1 = 1): RequestHead {
  return {
    kind: "request",
    method: "POST",
    target: "/",
    minor,
    version: 1,
    headers: fields(h),
    headLength: 0,
  };
}

function response(status: number, h: [string, string][], minor: 0 | 1 = 1): ResponseHead {
  return { kind: "response", minor, status, reason: "", headers: fields(h), headLength: 0 };
}

function show(r: ReturnType<typeof requestFraming>): string {
  if (!r.ok) return `${r.rejection.status} ${r.rejection.reason}`;
  return r.framing.type === "length" ? `length ${r.framing.length}` : r.framing.type;
}

const TE = "Transfer-Encoding";
const CL = "Content-Length";

test("requestFraming() reads none, length and chunked", () => {
  assert.equal(show(requestFraming(request([]))), "none");
  assert.equal(show(requestFraming(request([[CL, "0"]]))), "length 0");
  assert.equal(show(requestFraming(request([[CL, "42"]]))), "length 42");
  assert.equal(show(requestFraming(request([[TE, "chunked"]]))), "chunked");
  assert.equal(show(requestFraming(request([[TE, "CHUNKED"]]))), "chunked");
});

test("requestFraming() refuses ambiguous or unsupported framing", () => {
  const cases: [[string, string][], string][] = [
    [[[TE, "chunked"], [CL, "5"]], "400 both Transfer-Encoding and Content-Length"],
    [[[TE, "chunked, chunked"]], "400 chunked applied more than once"],
    [[[TE, "chunked"], [TE, "gzip"]], "400 chunked is not the final transfer coding"],
    [[[TE, "gzip"]], "400 chunked is not the final transfer coding"],
    [[[TE, "br, chunked"]], "501 transfer coding other than chunked in a request"],
    [[[TE, "Gzip , CHUNKED"]], "501 transfer coding other than chunked in a request"],
    [
      [[TE, "gzip;level=9"], [TE, "chunked"]],
      "501 transfer coding other than chunked in a request",
    ],
    [[[TE, "xchunked"]], "400 chunked is not the final transfer coding"],
    [[[TE, "identity"]], "400 chunked is not the final transfer coding"],
    [[[TE, ", chunked"]], "400 empty element in Transfer-Encoding"],
    [[[TE, "chunked,"]], "400 empty element in Transfer-Encoding"],
    [[[TE, "chunked"], [TE, ""]], "400 empty element in Transfer-Encoding"],
    [[[TE, "chunked;x=1"]], "400 parameters on chunked coding"],
    [[[TE, 'gzip;x="1", chunked']], "400 invalid Transfer-Encoding parameter"],
    [[[TE, "chunked chunked"]], "400 invalid Transfer-Encoding"],
    [[[TE, " , "]], "400 empty Transfer-Encoding"],
    [[[CL, "5"], [CL, "6"]], "400 conflicting Content-Length values"],
    [[[CL, "abc"]], "400 invalid Content-Length"],
  ];
  for (const [h, want] of cases) {
    assert.equal(show(requestFraming(request(h))), want, JSON.stringify(h));
  }
  assert.equal(
    show(requestFraming(request([[TE, "chunked"]], 0))),
    "400 Transfer-Encoding in HTTP/1.0 request",
  );
});

test("responseFraming() has no body for HEAD, 1xx, 204, 304 and 2xx to CONNECT", () => {
  const withCl: [string, string][] = [[CL, "10"]];
  assert.equal(show(responseFraming(response(200, withCl), "HEAD")), "none");
  assert.equal(show(responseFraming(response(100, []), "GET")), "none");
  assert.equal(show(responseFraming(response(101, []), "GET")), "none");
  assert.equal(show(responseFraming(response(204, withCl), "GET")), "none");
  assert.equal(show(responseFraming(response(304, withCl), "GET")), "none");
  assert.equal(show(responseFraming(response(200, []), "CONNECT")), "none");
  assert.equal(show(responseFraming(response(407, withCl), "CONNECT")), "length 10");
});

test("responseFraming() reads chunked, length, or until close", () => {
  assert.equal(show(responseFraming(response(200, [[TE, "chunked"]]), "GET")), "chunked");
  assert.equal(show(responseFraming(response(200, [[TE, "gzip"]]), "GET")), "close");
  assert.equal(show(responseFraming(response(200, [[TE, "chunked, br"]]), "GET")), "close");
  assert.equal(show(responseFraming(response(200, [[TE, "chunked"]], 0), "GET")), "close");
  assert.equal(show(responseFraming(response(200, [[CL, "7, 7"]]), "GET")), "length 7");
  assert.equal(show(responseFraming(response(200, []), "GET")), "close");
});

test("responseFraming() refuses ambiguous framing with 502", () => {
  const cases: [[string, string][], string][] = [
    [[[TE, "chunked"], [CL, "5"]], "502 both Transfer-Encoding and Content-Length in response"],
    [[[TE, "chunked"], [TE, "chunked"]], "502 chunked applied more than once"],
    [[[TE, "chunked;a=b"]], "502 parameters on chunked coding"],
    [[[CL, "5"], [CL, "6"]], "502 conflicting Content-Length values"],
    [[[CL, "-5"]], "502 invalid Content-Length"],
  ];
  for (const [h, want] of cases) {
    assert.equal(show(responseFraming(response(200, h), "GET")), want, JSON.stringify(h));
  }
});

test("parseContentLength() accepts 1*DIGIT up to 2^53-1 and equal lists only", () => {
  assert.equal(parseContentLength(["0"]), 0);
  assert.equal(parseContentLength(["007"]), 7);
  assert.equal(parseContentLength(["9007199254740991"]), Number.MAX_SAFE_INTEGER);
  assert.equal(parseContentLength(["9007199254740992"]), "Content-Length too large");
  assert.equal(parseContentLength(["3", "3, 003"]), 3);
  for (const bad of ["", "+1", "-1", "1.0", "1e3", "0x1", "1 2", "1,", ",1", "١"]) {
    assert.equal(parseContentLength([bad]), "invalid Content-Length", JSON.stringify(bad));
  }
});

test("requestFraming() and responseFraming() merge equal Content-Length values into one field", () => {
  for (const h of [[[CL, "5, 5"]], [[CL, "5"], ["X", "y"], [CL, "005"]]] as [string, string][][]) {
    const req = request(h);
    assert.equal(show(requestFraming(req)), "length 5");
    assert.deepEqual(req.headers.map((f) => [f.name, f.value]), [
      ["Content-Length", "5"],
      ...h.filter(([n]) => n !== CL),
    ]);
    const res = response(200, h);
    assert.equal(show(responseFraming(res, "GET")), "length 5");
    assert.equal(res.headers.filter((f) => f.lname === "content-length").length, 1);
  }
  const single = request([[CL, "007"]]);
  requestFraming(single);
  assert.equal(single.headers[0]!.value, "007", "a single plain field is left as sent");
});
