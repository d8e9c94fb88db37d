/** Tests for a local service's request body (bounded, de-chunked) and its serialized answer. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { serializeAnswer, ServiceCall } from "../../../../src/proxy/http/service_call.ts";
import { MAX_SERVICE_BODY } from "../../../../src/proxy/http/service.ts";
import { head } from "../../control/api/_fixtures.ts";

const svc = { name: "t", serve: () => ({ status: 200, headers: [], body: "" }) };
const enc = (s: string) => new TextEncoder().encode(s);

test("ServiceCall gathers a chunked body without its framing", () => {
  const c = new ServiceCall(svc, { type: "chunked" });
  assert.equal(c.take(enc("3\r\nabc\r\n")), true);
  assert.equal(c.take(enc("2\r\nde\r\n0\r\n\r\n")), true);
  assert.equal(new TextDecoder().decode(c.body), "abcde");
});

test("ServiceCall refuses a body over 1 MiB, declared or sent", () => {
  assert.equal(ServiceCall.tooLarge({ type: "length", length: MAX_SERVICE_BODY + 1 }), true);
  assert.equal(ServiceCall.tooLarge({ type: "length", length: MAX_SERVICE_BODY }), false);
  const c = new ServiceCall(svc, { type: "chunked" });
  assert.equal(c.take(enc(`${(MAX_SERVICE_BODY + 1).toString(16)}\r\n`)), true);
  assert.equal(c.take(new Uint8Array(MAX_SERVICE_BODY).fill(97)), true);
  assert.equal(c.take(enc("a")), false, "the byte past 1 MiB");
});

test("serializeAnswer() frames the answer itself and drops the service's framing fields", () => {
  const bytes = serializeAnswer(
    {
      status: 201,
      headers: [["x-a", "1"], ["content-length", "999"], ["connection", "x"]],
      body: "hi",
    },
    head("GET / HTTP/1.1"),
    false,
  );
  assert.equal(
    new TextDecoder().decode(bytes),
    "HTTP/1.1 201 Created\r\nx-a: 1\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi",
  );
  const headOnly = serializeAnswer(
    { status: 200, headers: [], body: "hi" },
    head("HEAD / HTTP/1.0"),
    true,
  );
  assert.match(new TextDecoder().decode(headOnly), /connection: keep-alive\r\n\r\n$/);
});
