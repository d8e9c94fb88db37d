/** serializeRequestHead / serializeResponseHead on parsed heads: copying unchanged lines gives the bytes writing them would. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseRequestHead, parseResponseHead } from "../../../src/http1/parse.ts";
import { serializeRequestHead, serializeResponseHead } from "../../../src/http1/serialize.ts";
import { DEFAULT_LIMITS, type HeaderField } from "../../../src/http1/types.ts";
import { request, response } from "./arbitraries.ts";
import { bytesOf, semantic } from "./drive.ts";

const RUNS = { numRuns: 300 };
const text = (b: Uint8Array) => String.fromCharCode(...b);

/** Bytes as a client may send them: OWS around some values, `HTTP/1.2`, `HTTP/1.1 200` without SP. */
function loosen(bytes: Uint8Array, seeds: number[]): Uint8Array {
  const lines = text(bytes).split("\r\n");
  let k = 0;
  for (let i = 1; i < lines.length && lines[i] !== ""; i++) {
    const r = seeds[k++ % seeds.length]! % 4;
    if (r === 1) lines[i] = lines[i]!.replace(": ", ":");
    if (r === 2) lines[i] = lines[i]!.replace(": ", ":\t ") + " ";
  }
  const r = (seeds[0] ?? 0) % 3;
  if (r === 1) lines[0] = lines[0]!.replace(/HTTP\/1\.1$/, "HTTP/1.2");
  if (r === 2) lines[0] = lines[0]!.replace(/^(HTTP\/1\.\d \d\d\d) $/, "$1");
  return bytesOf(lines.join("\r\n"));
}

/** Edits a head's fields the ways the proxy does: remove, add, replace, change a value in place. */
function edit(headers: HeaderField[], ops: number[]): void {
  for (const op of ops) {
    const i = op % (headers.length + 1);
    switch (op % 5) {
      case 0:
        headers.splice(i, 1);
        break;
      case 1:
        headers.push({ name: "X-Added", lname: "x-added", value: `v${op}` });
        break;
      case 2:
        if (headers[i]) headers[i] = { ...headers[i]!, value: "replaced" };
        break;
      case 3:
        if (headers[i]) headers[i]!.value += ", more";
        break;
      default:
        headers.splice(i, 0, { name: "Via", lname: "via", value: "1.1 t" });
    }
  }
}

test("a parsed request head is written as writing its parts gives, edited or not", () => {
  fc.assert(
    fc.property(
      request,
      fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.boolean(),
      (g, seeds, ops, retarget) => {
        const head = g.bytes.subarray(0, g.head.headLength);
        const p = parseRequestHead(loosen(head, seeds), DEFAULT_LIMITS);
        assert.ok(p.ok);
        edit(p.head.headers, ops);
        if (retarget) p.head.target = "/other";
        assert.equal(
          text(serializeRequestHead(p.head)),
          text(serializeRequestHead(semantic(p.head))),
        );
      },
    ),
    RUNS,
  );
});

test("a parsed response head is written as writing its parts gives, edited or not", () => {
  fc.assert(
    fc.property(
      response,
      fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.boolean(),
      (g, seeds, ops, restatus) => {
        const head = g.bytes.subarray(0, g.head.headLength);
        const p = parseResponseHead(loosen(head, seeds), DEFAULT_LIMITS);
        assert.ok(p.ok);
        edit(p.head.headers, ops);
        if (restatus) p.head.status = 299;
        const out = serializeResponseHead(p.head);
        assert.equal(text(out), text(serializeResponseHead(semantic(p.head))));
      },
    ),
    RUNS,
  );
});

test("serializeRequestHead() gives back the bytes a head came in when nothing changed", () => {
  const bytes = bytesOf("GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n");
  const p = parseRequestHead(bytes, DEFAULT_LIMITS);
  assert.ok(p.ok);
  assert.equal(serializeRequestHead(p.head), bytes);
  p.head.headers.splice(1, 1);
  assert.equal(text(serializeRequestHead(p.head)), "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
});

test("serializeResponseHead() copies the status line and unchanged fields around a removed one", () => {
  const raw =
    "HTTP/1.1 200 OK\r\nServer: n\r\nConnection: keep-alive\r\nContent-Length: 12\r\n\r\n";
  const p = parseResponseHead(bytesOf(raw), DEFAULT_LIMITS);
  assert.ok(p.ok);
  p.head.headers.splice(1, 1);
  p.head.headers.push({ name: "Connection", lname: "connection", value: "close" });
  assert.equal(
    text(serializeResponseHead(p.head)),
    "HTTP/1.1 200 OK\r\nServer: n\r\nContent-Length: 12\r\nConnection: close\r\n\r\n",
  );
});

test("a field whose value was given a control character is refused, not copied", () => {
  const p = parseRequestHead(bytesOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\r\n"), DEFAULT_LIMITS);
  assert.ok(p.ok);
  p.head.headers[1]!.value = "a\r\nInjected: 1";
  assert.throws(() => serializeRequestHead(p.head), TypeError);
});
