/** parseClientHello and handshakeType: genuine hellos, hand-built edge cases, fragments, fuzzing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  type ClientHello,
  type ClientHelloResult,
  handshakeType,
  parseClientHello,
} from "../../../src/tls/client_hello.ts";
import {
  alpnExt,
  captureHello,
  ext,
  hello,
  helloMessage,
  records,
  sniExt,
  versionsExt,
} from "./hello.ts";
import { OPENSSL_TLS12_NO_SNI, OPENSSL_TLS13, unhex } from "./openssl_hellos.ts";

const text = (s: string) => new TextEncoder().encode(s);

function parsed(bytes: Uint8Array): ClientHello {
  const r = parseClientHello(bytes);
  assert.equal(r.kind, "hello", `expected a hello, got ${r.kind}`);
  return r as ClientHello;
}

function kind(bytes: Uint8Array | number[]): ClientHelloResult["kind"] {
  return parseClientHello(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes)).kind;
}

test("parseClientHello() reads a TLS 1.3 hello from the runtime's node:tls client", async () => {
  const bytes = await captureHello({ servername: "A.Example", ALPNProtocols: ["h2", "http/1.1"] });
  const h = parsed(bytes);
  assert.equal(h.sni, "a.example");
  assert.deepEqual(h.alpn, ["h2", "http/1.1"]);
  assert.equal(h.helloVersion, 0x0303);
  assert.equal(h.version, 0x0304);
  assert.ok(h.recordVersion === 0x0301 || h.recordVersion === 0x0303);
  assert.equal(h.length, bytes.length);
  assert.equal(h.truncated, false);
  assert.equal(h.ecExt, true);
});

test("parseClientHello() reads a TLS 1.2-only hello and one without SNI from node:tls", async () => {
  const v12 = parsed(await captureHello({ servername: "b.example", maxVersion: "TLSv1.2" }));
  assert.equal(v12.sni, "b.example");
  assert.equal(v12.version, 0x0303);
  assert.deepEqual(v12.alpn, []);
  const bare = parsed(await captureHello({ host: "127.0.0.1" }));
  assert.equal(bare.sni, undefined);
  assert.equal("sni" in bare, false);
});

test("parseClientHello() reads OpenSSL s_client hellos (fixed bytes)", () => {
  const h13 = parsed(unhex(OPENSSL_TLS13));
  assert.deepEqual(
    [h13.sni, h13.alpn, h13.recordVersion, h13.helloVersion, h13.version, h13.length],
    ["mixed.example.com", ["h2", "http/1.1"], 0x0301, 0x0303, 0x0304, 341],
  );
  assert.deepEqual([h13.ecExt, h13.sessionTicket], [true, 1]);
  const h12 = parsed(unhex(OPENSSL_TLS12_NO_SNI));
  assert.deepEqual([h12.sni, h12.alpn, h12.version, h12.length], [undefined, [], 0x0303, 188]);
});

test("parseClientHello() is incomplete on every strict prefix of a hello, and stops at its record", () => {
  const bytes = unhex(OPENSSL_TLS13);
  for (let n = 0; n < bytes.length; n++) assert.equal(kind(bytes.subarray(0, n)), "incomplete");
  const more = new Uint8Array([...bytes, 0x17, 0x03, 0x03, 0, 1, 0]);
  assert.equal(parsed(more).length, bytes.length);
});

test("parseClientHello() says not-tls as soon as the bytes rule a ClientHello out", () => {
  assert.equal(kind(text("GET / HTTP/1.1\r\n")), "not-tls");
  assert.equal(kind(text("SSH-2.0-OpenSSH_9.6\r\n")), "not-tls");
  assert.equal(kind([0x16, 0x02]), "not-tls", "record major version 2");
  assert.equal(kind([0x16, 0x03, 0x01, 0x00, 0x00]), "not-tls", "empty record");
  assert.equal(kind([0x16, 0x03, 0x01, 0xff, 0xff]), "not-tls", "record over 2^14 + 2048");
  assert.equal(kind([0x16, 0x03, 0x01, 0x00, 0x40, 0x02]), "not-tls", "a ServerHello");
  assert.equal(kind([0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0, 0, 8]), "not-tls", "hello too short");
  assert.equal(kind([0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0, 0, 60, 2]), "not-tls", "hello 2.x");
  assert.equal(kind([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]), "not-tls", "an alert");
  // SSLv2-compatible hello (2-byte header, msg type 1, version 3.1): not handled.
  assert.equal(kind([0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15]), "not-tls");
  assert.equal(kind([0x16, 0x03, 0x01, 0x00]), "incomplete");
});

test("parseClientHello() reads hand-built extensions: GREASE, several names, tickets", () => {
  const h = parsed(hello({
    exts: [
      ...ext(0x0a0a, []),
      ...sniExt("First.Example", "second.example"),
      ...versionsExt(0x8a8a, 0x0304, 0x0303),
      ...ext(35, [1, 2, 3]),
      ...alpnExt("http/1.1"),
    ],
  }));
  assert.deepEqual([h.sni, h.version, h.sessionTicket, h.alpn, h.ecExt], [
    "first.example",
    0x0304,
    2,
    ["http/1.1"],
    false,
  ]);
  const grease = parsed(hello({ exts: versionsExt(0x1a1a) }));
  assert.equal(grease.version, 0x0303, "only GREASE: the hello's version");
  const none = parsed(hello());
  assert.deepEqual([none.sni, none.alpn, none.version, none.sessionTicket], [
    undefined,
    [],
    771,
    0,
  ]);
  assert.equal(parsed(hello({ sessionId: 32, helloVersion: 0x0301 })).version, 0x0301);
});

test("parseClientHello() refuses malformed lengths as not-tls", () => {
  const bad = (exts: number[]) => kind(hello({ exts }));
  assert.equal(bad(ext(0, [0, 9, 0, 0, 3, 0x61])), "not-tls", "server name list too long");
  assert.equal(bad(ext(0, [0])), "not-tls", "server_name without its list");
  assert.equal(bad(ext(16, [0, 3, 0, 1, 0x61])), "not-tls", "an empty ALPN name");
  assert.equal(bad(ext(16, [0, 3, 5, 0x61, 0x62])), "not-tls", "ALPN name too long");
  assert.equal(bad(ext(43, [3, 3, 4, 3])), "not-tls", "odd supported_versions");
  assert.equal(bad([...sniExt("a"), 0, 1]), "not-tls", "stray bytes after the extensions");
  assert.equal(bad([0, 0, 0, 9, 1]), "not-tls", "extension longer than the block");
  assert.equal(kind(hello({ sessionId: 33 })), "not-tls", "session id over 32 bytes");
  const msg = helloMessage({ exts: sniExt("a.example") });
  msg[msg.length - 20] = 0xff; // the extensions block length's high byte (before 18 bytes of SNI)
  assert.equal(kind(records(msg)), "not-tls");
});

test("parseClientHello() reads a hello longer than its first record only as far as it can", () => {
  const padding = ext(21, new Array(300).fill(0));
  const msg = helloMessage({ exts: [...sniExt("a.example"), ...alpnExt("h2"), ...padding] });
  // SNI and ALPN inside the first record, the record ending in the padding extension.
  const cutInPadding = records(msg, 150);
  assert.equal(kind(cutInPadding.subarray(0, 154)), "incomplete");
  const h = parsed(cutInPadding);
  assert.deepEqual([h.sni, h.alpn, h.truncated, h.length], ["a.example", ["h2"], true, 155]);
  // The record ending inside the server_name extension: nothing reliable to say.
  assert.equal(kind(records(msg, 55)), "not-tls");
  // Or inside its header (SNI starts at byte 49 of the message).
  assert.equal(kind(records(msg, 51)), "not-tls");
  assert.equal(parsed(records(msg, 67)).sni, "a.example", "the record ends right after SNI");
  // Or inside the fixed fields.
  assert.equal(kind(records(msg, 20)), "not-tls");
});

test("handshakeType() gives the first record's handshake type once it is buffered", () => {
  const bytes = unhex(OPENSSL_TLS13);
  assert.deepEqual(handshakeType(bytes), { kind: "handshake", type: 1 });
  assert.deepEqual(handshakeType(bytes.subarray(0, 100)), { kind: "incomplete" });
  assert.deepEqual(handshakeType(new Uint8Array()), { kind: "incomplete" });
  assert.deepEqual(handshakeType(text("GET / HTTP/1.1")), { kind: "not-tls" });
  // A malformed hello still is a handshake of type 1, as HAProxy sees it.
  assert.deepEqual(handshakeType(Uint8Array.of(0x16, 3, 1, 0, 4, 1, 0, 0, 0)), {
    kind: "handshake",
    type: 1,
  });
});

test("parseClientHello() never throws: random bytes, truncations and mutations (property)", () => {
  const genuine = unhex(OPENSSL_TLS13);
  const kinds = ["incomplete", "not-tls", "hello"];
  const check = (b: Uint8Array) => {
    assert.ok(kinds.includes(parseClientHello(b).kind));
    assert.ok(["incomplete", "not-tls", "handshake"].includes(handshakeType(b).kind));
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => check(b)),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (tail) => {
      // A plausible header, so the parser goes past the first bytes.
      const b = new Uint8Array([0x16, 3, 1, tail.length >> 8, tail.length & 0xff, ...tail]);
      if (tail.length > 0) b[5] = 1;
      if (tail.length > 4) b[9] = 3;
      check(b);
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(
      fc.nat({ max: genuine.length }),
      fc.array(fc.tuple(fc.nat({ max: genuine.length - 1 }), fc.integer({ min: 0, max: 255 }))),
      (cut, edits) => {
        const b = genuine.slice(0, cut);
        assert.equal(parseClientHello(b).kind, cut < genuine.length ? "incomplete" : "hello");
        const m = genuine.slice();
        for (const [at, v] of edits) m[at] = v;
        check(m);
        check(m.subarray(0, cut));
      },
    ),
    { numRuns: 500 },
  );
});
