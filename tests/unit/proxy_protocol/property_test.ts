/** Property tests (fast-check): never throws, prefixes stay incomplete, build→parse round-trips. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isIPv4, isIPv6 } from "node:net";
import fc from "fast-check";
import {
  buildProxyV1,
  buildProxyV2,
  normalizeIpv6,
  parseProxyHeader,
  PROXY_V2_SIGNATURE,
  type ProxyParse,
  type ProxyV2Fields,
} from "../../../src/proxy_protocol/mod.ts";
import { formatIpv4, parseIpv4Text, parseIpv6Text } from "../../../src/proxy_protocol/v1.ts";

const RUNS = { numRuns: 300 };
const enc = new TextEncoder();

/** Asserts `r` is one of the three shapes, and that an ok header lies within `buf`. */
function wellFormed(r: ProxyParse, buf: Uint8Array): void {
  if (r.kind === "incomplete") return;
  if (r.kind === "error") {
    assert.ok(typeof r.reason === "string" && r.reason.length > 0);
    return;
  }
  assert.equal(r.kind, "ok");
  assert.ok(r.length > 0 && r.length <= buf.length);
}

const anyAddress = fc.oneof(fc.ipV4(), fc.ipV6());
const port = fc.integer({ min: 0, max: 65535 });
const inet = fc.record({
  family: fc.constantFrom("tcp4" as const, "tcp6" as const),
  src: anyAddress,
  srcPort: port,
  dst: anyAddress,
  dstPort: port,
});
const v2Fields: fc.Arbitrary<ProxyV2Fields> = fc.record({
  command: fc.constantFrom("PROXY" as const, "LOCAL" as const),
  family: fc.constantFrom("tcp4" as const, "tcp6" as const, "unix" as const, "unknown" as const),
  src: anyAddress,
  srcPort: port,
  dst: anyAddress,
  dstPort: port,
  alpn: fc.string({ maxLength: 20 }),
  authority: fc.string({ maxLength: 60 }),
  crc32c: fc.boolean(),
  tlvs: fc.array(
    fc.record({
      type: fc.integer({ min: 5, max: 255 }),
      value: fc.uint8Array({ maxLength: 80 }),
    }),
    { maxLength: 6 },
  ),
}, { requiredKeys: ["family", "src", "srcPort", "dst", "dstPort"] });

/** The address text a parser should report for `a` in a header of family `v6`. */
function expectedText(a: string, v6: boolean): string {
  if (!v6) return parseIpv4Text(a) ? a : formatIpv4(parseIpv6Text(a)!, 12);
  return parseIpv4Text(a) ? `::ffff:${a}` : normalizeIpv6(a)!;
}

test("parseProxyHeader() never throws on random bytes, v1-like or v2-like", () => {
  const tail = fc.uint8Array({ maxLength: 300 });
  const inputs = fc.oneof(
    tail,
    tail.map((t) => Uint8Array.from([...PROXY_V2_SIGNATURE, ...t])),
    fc.string({ maxLength: 120 }).map((s) => enc.encode("PROXY " + s)),
    fc.string({ maxLength: 120, unit: fc.constantFrom(..."TCP46UNKOW0123456789abcdef:. \r\n") })
      .map((s) => enc.encode("PROXY " + s)),
  );
  fc.assert(
    fc.property(inputs, fc.boolean(), fc.boolean(), (buf, v1, v2) => {
      wellFormed(parseProxyHeader(buf), buf);
      wellFormed(parseProxyHeader(buf, { v1, v2 }), buf);
    }),
    { numRuns: 1000 },
  );
});

test("buildProxyV1() → parseProxyHeader() round-trips addresses and ports; prefixes are incomplete", () => {
  fc.assert(
    fc.property(inet, fc.uint8Array({ maxLength: 20 }), (h, payload) => {
      const line = buildProxyV1(h);
      const r = parseProxyHeader(Uint8Array.from([...line, ...payload]));
      assert.ok(r.kind === "ok", JSON.stringify(r));
      assert.equal(r.length, line.length);
      const v6 = r.header.family === "tcp6";
      assert.equal(r.header.src, expectedText(h.src, v6));
      assert.equal(r.header.dst, expectedText(h.dst, v6));
      assert.equal(r.header.srcPort, h.srcPort);
      assert.equal(r.header.dstPort, h.dstPort);
      for (let k = 0; k < line.length; k++) {
        assert.deepEqual(parseProxyHeader(line.subarray(0, k)), { kind: "incomplete" });
      }
    }),
    RUNS,
  );
});

test("buildProxyV2() → parseProxyHeader() round-trips fields and TLVs; prefixes are incomplete", () => {
  fc.assert(
    fc.property(v2Fields, fc.uint8Array({ maxLength: 20 }), (f, payload) => {
      const h = f; // addresses are at most 45 bytes: valid UNIX paths too
      const built = buildProxyV2(h);
      const r = parseProxyHeader(Uint8Array.from([...built, ...payload]));
      assert.ok(r.kind === "ok", JSON.stringify(r));
      assert.equal(r.length, built.length);
      const hd = r.header;
      assert.equal(hd.command, h.command ?? "PROXY");
      assert.equal(hd.alpn, h.alpn);
      assert.equal(hd.authority, h.authority);
      assert.deepEqual(hd.tlvs, (h.tlvs ?? []).map((t) => ({ type: t.type, value: t.value })));
      if (h.command === "LOCAL" || h.family === "unknown") {
        assert.equal(hd.family, "unknown");
        assert.equal(hd.src, undefined);
      } else if (h.family === "unix") {
        assert.deepEqual([hd.family, hd.src, hd.dst], ["unix", h.src, h.dst]);
      } else {
        const v6 = hd.family === "tcp6";
        assert.equal(hd.src, expectedText(h.src!, v6));
        assert.equal(hd.dst, expectedText(h.dst!, v6));
        assert.deepEqual([hd.srcPort, hd.dstPort], [h.srcPort, h.dstPort]);
      }
      for (let k = 0; k < built.length; k += 1 + (k >> 4)) {
        assert.deepEqual(parseProxyHeader(built.subarray(0, k)), { kind: "incomplete" });
      }
    }),
    RUNS,
  );
});

test("parseProxyHeader() never throws on a valid header with one byte changed", () => {
  const header = fc.oneof(
    v2Fields.map((f) => buildProxyV2(f.family === "unix" ? { ...f, family: "unknown" } : f)),
    inet.map((h) => buildProxyV1(h)),
  );
  fc.assert(
    fc.property(header, fc.nat(), fc.integer({ min: 1, max: 255 }), (buf, at, xor) => {
      const bad = buf.slice();
      const i = at % bad.length;
      bad[i] = bad[i]! ^ xor;
      wellFormed(parseProxyHeader(bad), bad);
    }),
    RUNS,
  );
});

test("IPv6 text: parse∘format is the identity, and the text matches WHATWG URL's compression", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), (raw, mapped) => {
      if (mapped) raw.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
      const bytes = Uint8Array.from(raw);
      const text = normalizeIpv6(hexText(bytes))!;
      assert.deepEqual(parseIpv6Text(text), bytes);
      assert.equal(normalizeIpv6(text), text);
      const url = new URL(`http://[${text}]/`).hostname.slice(1, -1);
      assert.deepEqual(parseIpv6Text(url), bytes);
      if (!mapped) assert.equal(text, url);
    }),
    RUNS,
  );
});

test("IPv4/IPv6 text validity agrees with node:net isIPv4/isIPv6 (zone ids aside)", () => {
  const token = fc.constantFrom(
    ..."0 1 ff FFFF 0db8 12345 : :: . 1.2.3.4 01.2.3.4 255 256 g -".split(" "),
  );
  const text = fc.oneof(
    fc.array(token, { maxLength: 14 }).map((t) => t.join("")),
    fc.ipV6(),
    fc.ipV4(),
  );
  fc.assert(
    fc.property(text, (t) => {
      assert.equal(parseIpv6Text(t) !== null, isIPv6(t), `IPv6 ${JSON.stringify(t)}`);
      assert.equal(parseIpv4Text(t) !== null, isIPv4(t), `IPv4 ${JSON.stringify(t)}`);
    }),
    { numRuns: 2000 },
  );
});

/** The uncompressed, zero-padded text of 16 bytes ("0000:0000:...:0001"). */
function hexText(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(((b[i]! << 8) | b[i + 1]!).toString(16).padStart(4, "0"));
  }
  return groups.join(":");
}
