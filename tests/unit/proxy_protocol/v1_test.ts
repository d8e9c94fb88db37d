/** parseProxyV1/buildProxyV1: the spec's lines, each refusal, incomplete prefixes, IPv6 text forms. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildProxyV1,
  formatIpv6,
  normalizeIpv6,
  parseIpv4Text,
  parseIpv6Text,
  parseProxyV1,
} from "../../../src/proxy_protocol/v1.ts";

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function text(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

function reason(line: string): string {
  const r = parseProxyV1(bytes(line));
  assert.equal(r.kind, "error", `${JSON.stringify(line)} gave ${JSON.stringify(r)}`);
  return r.kind === "error" ? r.reason : "";
}

test("parseProxyV1() reads the spec's example line and leaves the request after it", () => {
  const line = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n";
  const r = parseProxyV1(bytes(line + "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n"));
  assert.deepEqual(r, {
    kind: "ok",
    length: line.length,
    header: {
      version: 1,
      command: "PROXY",
      family: "tcp4",
      src: "192.168.0.1",
      srcPort: 56324,
      dst: "192.168.0.11",
      dstPort: 443,
      tlvs: [],
    },
  });
});

test("parseProxyV1() normalizes TCP6 addresses to the compressed lowercase form", () => {
  const line = "PROXY TCP6 2001:0DB8:0000:0000:0000:0000:0000:0001 ::FFFF:192.0.2.1 0 65535\r\n";
  const r = parseProxyV1(bytes(line));
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  assert.equal(r.length, line.length);
  assert.equal(r.header.family, "tcp6");
  assert.equal(r.header.src, "2001:db8::1");
  assert.equal(r.header.dst, "::ffff:192.0.2.1");
  assert.equal(r.header.srcPort, 0);
  assert.equal(r.header.dstPort, 65535);
});

test("parseProxyV1() accepts the spec's longest lines (TCP6 104 bytes, UNKNOWN 107 bytes)", () => {
  const f = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
  const tcp6 = `PROXY TCP6 ${f} ${f} 65535 65535\r\n`;
  const unknown = `PROXY UNKNOWN ${f} ${f} 65535 65535\r\n`;
  assert.equal(tcp6.length, 104);
  assert.equal(unknown.length, 107);
  const a = parseProxyV1(bytes(tcp6));
  assert.ok(a.kind === "ok" && a.header.src === f && a.length === 104);
  assert.deepEqual(parseProxyV1(bytes(unknown)), {
    kind: "ok",
    length: 107,
    header: { version: 1, command: "PROXY", family: "unknown", tlvs: [] },
  });
});

test("parseProxyV1() accepts PROXY UNKNOWN alone or with anything before the CRLF", () => {
  for (const line of ["PROXY UNKNOWN\r\n", "PROXY UNKNOWN whatever \x00 \xff  x\r\n"]) {
    const r = parseProxyV1(bytes(line + "payload"));
    assert.ok(r.kind === "ok" && r.length === line.length && r.header.family === "unknown");
    assert.equal(r.kind === "ok" && r.header.src, undefined);
  }
});

test("parseProxyV1() refuses each malformed line with a reason naming what and where", () => {
  const ok4 = "PROXY TCP4 1.2.3.4 5.6.7.8";
  const cases: [string, string][] = [
    [`${ok4} 70000 80\r\n`, 'PROXY v1: bad source port "70000"'],
    [`${ok4} 1 080\r\n`, 'PROXY v1: bad destination port "080"'],
    [`${ok4} +1 80\r\n`, 'PROXY v1: bad source port "+1"'],
    [
      `${ok4} 1  80\r\n`,
      "PROXY v1: empty destination port (fields are separated by exactly one space)",
    ],
    [`${ok4} 1 2 3\r\n`, "PROXY v1: unexpected data after the destination port"],
    [`${ok4} 1 2 \r\n`, "PROXY v1: unexpected data after the destination port"],
    [
      `${ok4} 1\r\n`,
      'PROXY v1: missing destination port (expected "PROXY TCP4 <src> <dst> <srcport> <dstport>")',
    ],
    [
      "PROXY TCP4\r\n",
      'PROXY v1: missing source address (expected "PROXY TCP4 <src> <dst> <srcport> <dstport>")',
    ],
    ["PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n", 'PROXY v1: bad source address "01.2.3.4" for TCP4'],
    [
      "PROXY TCP4 1.2.3.4 5.6.7.256 1 2\r\n",
      'PROXY v1: bad destination address "5.6.7.256" for TCP4',
    ],
    ["PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", 'PROXY v1: bad source address "1.2.3" for TCP4'],
    ["PROXY TCP4 ::1 5.6.7.8 1 2\r\n", 'PROXY v1: bad source address "::1" for TCP4'],
    ["PROXY TCP6 1.2.3.4 ::1 1 2\r\n", 'PROXY v1: bad source address "1.2.3.4" for TCP6'],
    [
      "PROXY TCP6 ::1 1:2:3:4:5:6:7:8:9 1 2\r\n",
      'PROXY v1: bad destination address "1:2:3:4:5:6:7:8:9" for TCP6',
    ],
    ["PROXY TCP6 1::2::3 ::1 1 2\r\n", 'PROXY v1: bad source address "1::2::3" for TCP6'],
    ["PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", 'PROXY v1: bad source address "fe80::1%eth0" for TCP6'],
    [
      "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n",
      'PROXY v1: unknown protocol "TCP5" (expected TCP4, TCP6 or UNKNOWN)',
    ],
    [
      "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n",
      'PROXY v1: unknown protocol "tcp4" (expected TCP4, TCP6 or UNKNOWN)',
    ],
    [
      "PROXY UNKNOWNX\r\n",
      'PROXY v1: unknown protocol "UNKNOWNX" (expected TCP4, TCP6 or UNKNOWN)',
    ],
    ["PROXY \r\n", 'PROXY v1: unknown protocol "" (expected TCP4, TCP6 or UNKNOWN)'],
    [`${ok4} 1 2\n`, "PROXY v1: LF without CR at byte 30"],
    [`${ok4} 1 2\rX`, "PROXY v1: CR not followed by LF at byte 30"],
    ["PROXY UNKNOWN a\rb\r\n", "PROXY v1: CR not followed by LF at byte 15"],
    ["PROXY UNKNOWN " + "x".repeat(93), "PROXY v1: line longer than 107 bytes"],
    ["PROXY UNKNOWN " + "x".repeat(92) + "\r\n", "PROXY v1: line longer than 107 bytes"],
    ["proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "not a PROXY protocol header"],
    ["PROXYTCP4", "not a PROXY protocol header"],
  ];
  for (const [line, why] of cases) assert.equal(reason(line), why, JSON.stringify(line));
});

test("parseProxyV1() says incomplete for every prefix of a valid line", () => {
  for (
    const line of [
      "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n",
      "PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 1 2\r\n",
      "PROXY UNKNOWN\r\n",
      "PROXY UNKNOWN anything at all\r\n",
    ]
  ) {
    for (let k = 0; k < line.length; k++) {
      assert.deepEqual(
        parseProxyV1(bytes(line.slice(0, k))),
        { kind: "incomplete" },
        line.slice(0, k),
      );
    }
  }
});

test("parseProxyV1() refuses a line before its CRLF once a field cannot become valid", () => {
  assert.equal(
    reason("PROXY TCPX"),
    'PROXY v1: unknown protocol "TCPX" (expected TCP4, TCP6 or UNKNOWN)',
  );
  assert.equal(reason("PROXY TCP4 1.2.3.4x"), 'PROXY v1: bad source address "1.2.3.4x" for TCP4');
  assert.equal(reason("PROXY TCP4 1.2.3.04 "), 'PROXY v1: bad source address "1.2.3.04" for TCP4');
  assert.equal(reason("PROXY TCP4 1.2.3.4 5.6.7.8 123456"), 'PROXY v1: bad source port "123456"');
  assert.equal(reason("PROXY TCP6 ::g"), 'PROXY v1: bad source address "::g" for TCP6');
  assert.equal(
    reason("PROXY TCP4 1.2.3.4  "),
    "PROXY v1: empty destination address (fields are separated by exactly one space)",
  );
  // Still a possible prefix: wait for more.
  assert.equal(parseProxyV1(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 99999")).kind, "incomplete");
});

test("IPv6 text: strict parsing and RFC 5952 output", () => {
  const cases: [string, string][] = [
    ["::", "::"],
    ["::1", "::1"],
    ["1::", "1::"],
    ["2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first of two equal runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group stays
    ["0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"],
    ["::ffff:0:0", "::ffff:0.0.0.0"],
    ["::1.2.3.4", "::102:304"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ["fe80:0000:0000:0000:0202:b3ff:fe1e:8329", "fe80::202:b3ff:fe1e:8329"],
  ];
  for (const [input, want] of cases) assert.equal(normalizeIpv6(input), want, input);
  for (
    const bad of [
      "",
      ":",
      ":::",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "::1.2.3",
      "::01.2.3.4",
      "1.2.3.4::",
      "::1:",
      ":1::",
      "g::",
      "::1%lo",
      " ::1",
      "1:2:3:4:5:6:7::8:9",
    ]
  ) {
    assert.equal(parseIpv6Text(bad), null, bad);
  }
  assert.equal(normalizeIpv6("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");
  assert.equal(
    formatIpv6(new Uint8Array(16).fill(0xff)),
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  );
  assert.deepEqual(parseIpv4Text("0.10.100.255"), Uint8Array.of(0, 10, 100, 255));
  for (const bad of ["1.2.3", "1.2.3.4.5", "00.1.1.1", "1.1.1.256", "1.1.1.-1", "1.1.1.1 "]) {
    assert.equal(parseIpv4Text(bad), null, bad);
  }
});

test("buildProxyV1() writes TCP4, TCP6 and UNKNOWN lines", () => {
  const v4 = {
    family: "tcp4",
    src: "192.0.2.1",
    srcPort: 56324,
    dst: "192.0.2.11",
    dstPort: 443,
  } as const;
  assert.equal(text(buildProxyV1(v4)), "PROXY TCP4 192.0.2.1 192.0.2.11 56324 443\r\n");
  assert.equal(
    text(
      buildProxyV1({ family: "tcp6", src: "2001:DB8:0::1", srcPort: 1, dst: "::1", dstPort: 2 }),
    ),
    "PROXY TCP6 2001:db8::1 ::1 1 2\r\n",
  );
  assert.equal(text(buildProxyV1({ family: "unknown" })), "PROXY UNKNOWN\r\n");
});

test("buildProxyV1() maps IPv4 to ::ffff:a.b.c.d when the families differ, as HAProxy does", () => {
  const mixed = {
    family: "tcp4",
    src: "192.0.2.1",
    srcPort: 1,
    dst: "2001:db8::1",
    dstPort: 2,
  } as const;
  assert.equal(text(buildProxyV1(mixed)), "PROXY TCP6 ::ffff:192.0.2.1 2001:db8::1 1 2\r\n");
  const asked6 = { ...mixed, family: "tcp6", dst: "192.0.2.2" } as const;
  assert.equal(text(buildProxyV1(asked6)), "PROXY TCP6 ::ffff:192.0.2.1 ::ffff:192.0.2.2 1 2\r\n");
  // A dual-stack socket's view of an IPv4 peer goes out as TCP4 when asked for tcp4.
  const dual = { ...mixed, src: "::ffff:192.0.2.1", dst: "::ffff:192.0.2.2" } as const;
  assert.equal(text(buildProxyV1(dual)), "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n");
});

test("buildProxyV1() refuses bad addresses and ports, naming the field", () => {
  const base = {
    family: "tcp4",
    src: "192.0.2.1",
    srcPort: 1,
    dst: "192.0.2.2",
    dstPort: 2,
  } as const;
  assert.throws(
    () => buildProxyV1({ ...base, srcPort: 70000 }),
    /buildProxyV1: bad source port 70000/,
  );
  assert.throws(() => buildProxyV1({ ...base, dstPort: 1.5 }), /bad destination port 1\.5/);
  assert.throws(() => buildProxyV1({ ...base, src: "host" }), /bad source address "host"/);
  assert.throws(
    () => buildProxyV1({ family: "tcp4", srcPort: 1, dstPort: 2 }),
    /bad source address undefined/,
  );
});
