/** H2ServerStream: the request a transaction writes becomes HEADERS + DATA, from its bytes or from the parsed head it hands over (takeHead). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { H2Connection } from "../../../../src/h2/connection.ts";
import type { H2Event } from "../../../../src/h2/events.ts";
import { DEFAULT_H2_LIMITS } from "../../../../src/h2/limits.ts";
import { parseRequestHead } from "../../../../src/http1/parse.ts";
import { DEFAULT_LIMITS, type RequestHead } from "../../../../src/http1/types.ts";
import { H2ServerStream, type StreamLink } from "../../../../src/proxy/h2/server_stream.ts";
import { FakeSocket } from "../_fake_socket.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

/** A client-role connection (the stream's) wired to a server-role one that records what arrives. */
function rig() {
  const client = new H2Connection(DEFAULT_H2_LIMITS, () => {}, "client");
  const events: H2Event[] = [];
  const server = new H2Connection(DEFAULT_H2_LIMITS, (e) => events.push(e));
  const pass = () => {
    const a = client.takeOutput();
    if (a !== null) server.receive(a);
    const b = server.takeOutput();
    if (b !== null) client.receive(b);
  };
  pass();
  const link: StreamLink = {
    conn: client,
    socket: new FakeSocket(),
    congested: false,
    flushSoon() {},
    opened() {},
    blocked() {},
    done() {},
  };
  return { stream: new H2ServerStream(link), events, pass };
}

function head(text: string): RequestHead {
  const r = parseRequestHead(bytes(text), DEFAULT_LIMITS);
  assert.ok(r.ok);
  return r.head;
}

const HEAD = "POST /up HTTP/1.1\r\nhost: a.example\r\ncontent-length: 5\r\nx-a: 1\r\n\r\n";

function sent(events: H2Event[]) {
  const h = events.find((e) => e.type === "headers");
  assert.ok(h !== undefined && h.type === "headers", "a HEADERS arrived");
  const data = events.filter((e) => e.type === "data").map((e) =>
    e.type === "data" ? new TextDecoder().decode(e.data) : ""
  );
  return { fields: h.headers.map((f) => [f.name, f.value]), end: h.endStream, data: data.join("") };
}

test("H2ServerStream.write() parses the head from the bytes written, then sends the body as DATA", () => {
  const { stream, events, pass } = rig();
  stream.write(bytes(HEAD + "hello"));
  pass();
  assert.deepEqual(sent(events), {
    fields: [
      [":method", "POST"],
      [":scheme", "http"],
      [":authority", "a.example"],
      [":path", "/up"],
      ["content-length", "5"],
      ["x-a", "1"],
    ],
    end: false,
    data: "hello",
  });
});

test("H2ServerStream.takeHead(): the head handed over is sent, its bytes skipped unparsed (split writes too)", () => {
  const { stream, events, pass } = rig();
  // the bytes are not a head at all: only their length counts once the parsed head is given
  const filler = "Z".repeat(HEAD.length);
  stream.takeHead(head(HEAD.replace("x-a: 1", "x-b: 2")), HEAD.length);
  assert.equal(stream.write(bytes(filler.slice(0, 10))), true);
  stream.write(bytes(filler.slice(10) + "hel"));
  stream.write(bytes("lo"));
  pass();
  assert.deepEqual(sent(events), {
    fields: [
      [":method", "POST"],
      [":scheme", "http"],
      [":authority", "a.example"],
      [":path", "/up"],
      ["content-length", "5"],
      ["x-b", "2"],
    ],
    end: false,
    data: "hello",
  });
});

test("H2ServerStream.takeHead() after the head went is ignored (the bytes are body then)", () => {
  const { stream, events, pass } = rig();
  stream.write(bytes(HEAD));
  stream.takeHead(head("GET /other HTTP/1.1\r\nhost: b\r\n\r\n"), 3);
  stream.write(bytes("hello"));
  pass();
  const s = sent(events);
  assert.equal(s.fields[3]![1], "/up");
  assert.equal(s.data, "hello");
});
