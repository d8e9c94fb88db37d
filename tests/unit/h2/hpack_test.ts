/** HPACK: every example of RFC 7541 Appendix C (decoder and encoder, dynamic table after each block), and its refusals. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { HpackError } from "../../../src/h2/errors.ts";
import { HpackDecoder } from "../../../src/h2/hpack_decoder.ts";
import { DynamicTable } from "../../../src/h2/hpack_dynamic_table.ts";
import { HpackEncoder } from "../../../src/h2/hpack_encoder.ts";
import { huffmanDecode, huffmanEncode } from "../../../src/h2/hpack_huffman.ts";
import { decodeInteger, encodeInteger } from "../../../src/h2/hpack_integer.ts";
import { hex, latin1, toHex } from "./_hex.ts";

type Pair = [string, string];

interface Example {
  id: string;
  hex: string;
  headers: Pair[];
  /** The dynamic table after the block, newest first, and its size. */
  table: Pair[];
  size: number;
}

const AUTH: Pair = [":authority", "www.example.com"];
const NO_CACHE: Pair = ["cache-control", "no-cache"];
const CUSTOM: Pair = ["custom-key", "custom-value"];
const REQ1: Pair[] = [[":method", "GET"], [":scheme", "http"], [":path", "/"], AUTH];
const REQ2: Pair[] = [...REQ1, NO_CACHE];
const REQ3: Pair[] = [
  [":method", "GET"],
  [":scheme", "https"],
  [":path", "/index.html"],
  AUTH,
  CUSTOM,
];

const PRIVATE: Pair = ["cache-control", "private"];
const DATE1: Pair = ["date", "Mon, 21 Oct 2013 20:13:21 GMT"];
const DATE2: Pair = ["date", "Mon, 21 Oct 2013 20:13:22 GMT"];
const LOC: Pair = ["location", "https://www.example.com"];
const GZIP: Pair = ["content-encoding", "gzip"];
const COOKIE: Pair = ["set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"];
const RES1: Pair[] = [[":status", "302"], PRIVATE, DATE1, LOC];
const RES2: Pair[] = [[":status", "307"], PRIVATE, DATE1, LOC];
const RES3: Pair[] = [[":status", "200"], PRIVATE, DATE2, LOC, GZIP, COOKIE];
const T1: Pair[] = [LOC, DATE1, PRIVATE, [":status", "302"]];
const T2: Pair[] = [[":status", "307"], LOC, DATE1, PRIVATE];
const T3: Pair[] = [COOKIE, GZIP, DATE2];

/** C.3 (raw strings) and C.4 (Huffman): three requests on one connection, table size 4096. */
const REQUESTS: Record<"C.3" | "C.4", Example[]> = {
  "C.3": [
    {
      id: "C.3.1",
      hex: "828684410f7777772e6578616d706c652e636f6d",
      headers: REQ1,
      table: [AUTH],
      size: 57,
    },
    {
      id: "C.3.2",
      hex: "828684be58086e6f2d6361636865",
      headers: REQ2,
      table: [NO_CACHE, AUTH],
      size: 110,
    },
    {
      id: "C.3.3",
      hex: "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
      headers: REQ3,
      table: [CUSTOM, NO_CACHE, AUTH],
      size: 164,
    },
  ],
  "C.4": [
    {
      id: "C.4.1",
      hex: "828684418cf1e3c2e5f23a6ba0ab90f4ff",
      headers: REQ1,
      table: [AUTH],
      size: 57,
    },
    {
      id: "C.4.2",
      hex: "828684be5886a8eb10649cbf",
      headers: REQ2,
      table: [NO_CACHE, AUTH],
      size: 110,
    },
    {
      id: "C.4.3",
      hex: "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
      headers: REQ3,
      table: [CUSTOM, NO_CACHE, AUTH],
      size: 164,
    },
  ],
};

/** C.5 (raw strings) and C.6 (Huffman): three responses, table size 256 (evictions). */
const RESPONSES: Record<"C.5" | "C.6", Example[]> = {
  "C.5": [
    {
      id: "C.5.1",
      hex:
        "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54" +
        "6e1768747470733a2f2f7777772e6578616d706c652e636f6d",
      headers: RES1,
      table: T1,
      size: 222,
    },
    { id: "C.5.2", hex: "4803333037c1c0bf", headers: RES2, table: T2, size: 222 },
    {
      id: "C.5.3",
      hex:
        "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a6970773866" +
        "6f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d33363030" +
        "3b2076657273696f6e3d31",
      headers: RES3,
      table: T3,
      size: 215,
    },
  ],
  "C.6": [
    {
      id: "C.6.1",
      hex:
        "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c7" +
        "8f0b97c8e9ae82ae43d3",
      headers: RES1,
      table: T1,
      size: 222,
    },
    { id: "C.6.2", hex: "4883640effc1c0bf", headers: RES2, table: T2, size: 222 },
    {
      id: "C.6.3",
      hex:
        "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335" +
        "dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
      headers: RES3,
      table: T3,
      size: 215,
    },
  ],
};

function pairs(d: { headers: { name: string; value: string }[] }): Pair[] {
  return d.headers.map((h) => [h.name, h.value]);
}

function fields(p: Pair[]) {
  return p.map(([name, value]) => ({ name, value }));
}

test("encodeInteger/decodeInteger: RFC 7541 C.1 (10 and 1337 with a 5-bit prefix, 42 with 8)", () => {
  const out = new Uint8Array(8);
  for (
    const [value, prefix, bytes] of [[10, 5, "0a"], [1337, 5, "1f9a0a"], [42, 8, "2a"]] as const
  ) {
    const end = encodeInteger(out, 0, value, prefix, 0);
    assert.equal(toHex(out.subarray(0, end)), bytes);
    assert.equal(decodeInteger(hex(bytes), { pos: 0 }, prefix), value);
  }
  assert.throws(() => decodeInteger(hex("1fffffffff7f"), { pos: 0 }, 5), HpackError);
  assert.throws(() => decodeInteger(hex("1f9a"), { pos: 0 }, 5), /truncated integer/);
});

test("HpackDecoder: C.2.1-C.2.4 (literal with/without/never indexing, indexed)", () => {
  const d = new HpackDecoder();
  const c21 = d.decode(hex("400a637573746f6d2d6b65790d637573746f6d2d686561646572"));
  assert.deepEqual(pairs(c21), [["custom-key", "custom-header"]]);
  assert.deepEqual(d.table.entries(), [["custom-key", "custom-header"]]);
  assert.equal(d.table.size, 55);
  const e = new HpackDecoder();
  assert.deepEqual(pairs(e.decode(hex("040c2f73616d706c652f70617468"))), [[
    ":path",
    "/sample/path",
  ]]);
  assert.deepEqual(pairs(e.decode(hex("100870617373776f726406736563726574"))), [[
    "password",
    "secret",
  ]]);
  assert.deepEqual(pairs(e.decode(hex("82"))), [[":method", "GET"]]);
  assert.equal(e.table.length, 0);
});

for (const [group, examples] of Object.entries({ ...REQUESTS, ...RESPONSES })) {
  const tableSize = group >= "C.5" ? 256 : 4096;
  test(`HpackDecoder: ${group} fields and dynamic table after each block`, () => {
    const d = new HpackDecoder(tableSize);
    for (const ex of examples) {
      assert.deepEqual(pairs(d.decode(hex(ex.hex))), ex.headers, ex.id);
      assert.deepEqual(d.table.entries(), ex.table, ex.id);
      assert.equal(d.table.size, ex.size, ex.id);
    }
  });
  test(`HpackEncoder: ${group} bytes and dynamic table after each block`, () => {
    const huffman = group === "C.4" || group === "C.6" ? "shorter" : "never";
    const enc = new HpackEncoder(tableSize, { huffman });
    for (const ex of examples) {
      assert.equal(toHex(enc.encode(fields(ex.headers))), ex.hex, ex.id);
      assert.deepEqual(enc.table.entries(), ex.table, ex.id);
      assert.equal(enc.table.size, ex.size, ex.id);
    }
  });
}

test("huffmanEncode/huffmanDecode: every byte value round-trips; 'www.example.com' is C.4.1's", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(huffmanDecode(huffmanEncode(all)), all);
  assert.equal(toHex(huffmanEncode(latin1("www.example.com"))), "f1e3c2e5f23a6ba0ab90f4ff");
  for (let n = 0; n < 40; n++) {
    const s = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 0xff);
    assert.deepEqual(huffmanDecode(huffmanEncode(s)), s);
  }
});

test("huffmanDecode refuses EOS, padding over 7 bits and padding that is not EOS's prefix", () => {
  assert.throws(() => huffmanDecode(hex("ffffffff")), /EOS symbol/);
  // 'a' (00011, 5 bits) then 11 bits of ones: padding longer than 7 bits.
  assert.throws(() => huffmanDecode(hex("1fff")), /longer than 7 bits/);
  // 'a' then 000: padding must be ones.
  assert.throws(() => huffmanDecode(hex("18")), /prefix of EOS/);
  assert.deepEqual(huffmanDecode(hex("1f")), latin1("a"));
});

test("HpackDecoder refuses index 0, an index beyond both tables, truncated strings", () => {
  assert.throws(() => new HpackDecoder().decode(hex("80")), /index 0/);
  assert.throws(() => new HpackDecoder().decode(hex("be")), /beyond the tables/);
  assert.throws(() => new HpackDecoder().decode(hex("410f7777")), /string longer than the block/);
  assert.throws(() => new HpackDecoder().decode(hex("41")), /truncated string/);
});

test("HpackDecoder: table size updates only at the block's start and within the settings", () => {
  const d = new HpackDecoder(4096);
  d.decode(hex("400a637573746f6d2d6b65790d637573746f6d2d686561646572"));
  d.decode(hex("20")); // size 0: the entry is evicted
  assert.equal(d.table.length, 0);
  assert.equal(d.table.maxSize, 0);
  assert.throws(() => d.decode(hex("3fe21f")), /over the limit 4096/); // 4097
  assert.throws(() => new HpackDecoder().decode(hex("8220")), /size update after a field/);
});

test("HpackEncoder: a lowered peer table size is signalled first (smallest, then last) and applied", () => {
  const enc = new HpackEncoder();
  enc.encode(fields(REQ1));
  enc.setPeerTableSize(0);
  enc.setPeerTableSize(100);
  const block = enc.encode(fields([[":method", "GET"]]));
  assert.equal(toHex(block.subarray(0, 3)), "203f45"); // update to 0, update to 100
  const d = new HpackDecoder();
  d.decode(new HpackEncoder().encode(fields(REQ1)));
  assert.deepEqual(pairs(d.decode(block)), [[":method", "GET"]]);
  assert.equal(d.table.maxSize, 100);
});

test("HpackEncoder: authorization is never indexed (0001), an entry larger than the table is not indexed", () => {
  const enc = new HpackEncoder(64);
  const b = enc.encode(
    fields([["authorization", "Basic Zm9vOmJhcg=="], ["x-big", "v".repeat(100)]]),
  );
  assert.equal(b[0]! & 0xf0, 0x10);
  assert.equal(enc.table.length, 0);
  const d = new HpackDecoder(64);
  assert.deepEqual(pairs(d.decode(b)), [["authorization", "Basic Zm9vOmJhcg=="], [
    "x-big",
    "v".repeat(100),
  ]]);
});

test("HpackDecoder: an HPACK bomb stops at maxHeaderListSize and keeps the table in step", () => {
  const enc = new HpackEncoder();
  const big = "x".repeat(4000);
  const first = enc.encode(fields([["x-bomb", big]]));
  const d = new HpackDecoder(4096, 16384);
  assert.equal(d.decode(first).tooLarge, false);
  // 1000 one-byte references to the 4 KB entry: 4 MB decoded from 1 KB.
  const bomb = new Uint8Array(1000).fill(0xbe);
  const r = d.decode(bomb);
  assert.equal(r.tooLarge, true);
  assert.ok(r.headers.length <= 4, `kept ${r.headers.length} fields`);
  assert.equal(r.size, 1000 * (6 + 4000 + 32));
  // The next block still decodes against the same table.
  assert.deepEqual(pairs(d.decode(hex("be"))), [["x-bomb", big]]);
});

test("HpackEncoder sends a field's lname when it has one (an HTTP/1 field encoded as it is)", () => {
  const a = new HpackEncoder().encode([
    { name: ":status", value: "200" },
    { name: "Content-Type", lname: "content-type", value: "text/plain" },
    { name: "X-Custom", lname: "x-custom", value: "v" },
  ]);
  const b = new HpackEncoder().encode([
    { name: ":status", value: "200" },
    { name: "content-type", value: "text/plain" },
    { name: "x-custom", value: "v" },
  ]);
  assert.deepEqual(a, b);
  assert.deepEqual(
    new HpackDecoder().decode(a).headers.map((h) => [h.name, h.value]),
    [[":status", "200"], ["content-type", "text/plain"], ["x-custom", "v"]],
  );
});

test("HpackDecoder hands out the tables' own field objects for indexed hits (no object per field)", () => {
  const d = new HpackDecoder();
  // :method GET (static 2), then custom-key: custom-header with incremental indexing (C.2.1)
  const first = d.decode(hex("82 400a637573746f6d2d6b65790d637573746f6d2d686561646572"));
  // the same two fields again, both indexed: static 2 and dynamic 62
  const again = d.decode(hex("82 be"));
  assert.deepEqual(again.headers.map((f) => [f.name, f.lname, f.value]), [
    [":method", ":method", "GET"],
    ["custom-key", "custom-key", "custom-header"],
  ]);
  assert.equal(again.headers[0], first.headers[0], "static entry: one shared object");
  assert.equal(again.headers[1], first.headers[1], "dynamic entry: the object added to the table");
  assert.equal(again.size, first.size);
});

test("HpackDecoder hands out one object for a literal without indexing sent again (nghttp2's :path)", () => {
  const d = new HpackDecoder();
  const lit = "040c2f73616d706c652f70617468"; // :path /sample/path (C.2.2)
  const first = d.decode(hex(lit)).headers[0]!;
  assert.deepEqual([first.name, first.value], [":path", "/sample/path"]);
  assert.equal(d.decode(hex(lit)).headers[0], first, "the same bytes: the same object");
  // another value, or another (indexed) name with the same value bytes: another object
  const other = d.decode(hex("040c2f73616d706c652f70617469")).headers[0]!;
  assert.deepEqual([other.name, other.value], [":path", "/sample/pati"]);
  const named = d.decode(hex("010c2f73616d706c652f70617468")).headers[0]!;
  assert.deepEqual([named.name, named.value], [":authority", "/sample/path"]);
  // four more values push the first out of the ring: decoded again, equal but a new object
  for (const c of ["61", "62", "63", "64"]) d.decode(hex(`040c2f73616d706c652f706174${c}`));
  const again = d.decode(hex(lit)).headers[0]!;
  assert.notEqual(again, first);
  assert.equal(again.value, "/sample/path");
  // never indexed (0001) is not shared; a truncated literal is still refused
  const never = "140c2f73616d706c652f70617468";
  assert.notEqual(d.decode(hex(never)).headers[0], d.decode(hex(never)).headers[0]);
  assert.throws(() => d.decode(hex("04")), /truncated string/);
  assert.throws(() => d.decode(hex("040d2f73616d706c652f70617468")), /longer than the block/);
});

test("DynamicTable: an encoder's indexed lookups find what a scan finds, through evictions and resizes", () => {
  const scan = new DynamicTable(200), indexed = new DynamicTable(200, true);
  const names = ["date", "server", "x"], values = ["a", "bb", "Mon, 07 Dec 2026 18:40:00 GMT"];
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let step = 0; step < 2000; step++) {
    if (next(50) === 0) {
      const size = next(4) * 100;
      scan.resize(size);
      indexed.resize(size);
    } else {
      const [name, value] = [names[next(3)]!, values[next(3)]!];
      scan.add(name, value);
      indexed.add(name, value);
    }
    for (const name of [...names, "none"]) {
      assert.equal(indexed.findName(name), scan.findName(name), `findName ${name} at ${step}`);
      for (const value of values) {
        assert.equal(indexed.findPair(name, value), scan.findPair(name, value), `at ${step}`);
      }
    }
  }
});

test("HpackEncoder: the same fields again are the same bytes only while the table is unchanged", () => {
  const enc = new HpackEncoder(), dec = new HpackDecoder();
  const fields = [
    { name: ":status", value: "200" },
    { name: "Server", lname: "server", value: "nginx" },
    { name: "date", value: "Mon, 07 Dec 2026 18:40:00 GMT" },
  ];
  const blocks: string[] = [];
  const round = (fs: typeof fields) => {
    const block = enc.encode(fs);
    blocks.push(toHex(block));
    return dec.decode(block).headers.map((h) => [h.name, h.value]);
  };
  const want = fields.map((f) => [f.lname ?? f.name, f.value]);
  assert.deepEqual(round(fields), want); // adds server and date to the table
  assert.deepEqual(round(fields), want); // all indexed now
  assert.deepEqual(round(fields.map((f) => ({ ...f }))), want); // equal fields, other objects
  assert.notEqual(blocks[1], blocks[0]);
  assert.equal(blocks[2], blocks[1]);
  const later = [...fields.slice(0, 2), { name: "date", value: "Mon, 07 Dec 2026 18:40:01 GMT" }];
  assert.deepEqual(round(later), later.map((f) => [f.lname ?? f.name, f.value]));
  assert.deepEqual(round(fields), want); // the table changed: encoded again, still decodes right
  enc.setPeerTableSize(0);
  dec.settingsTableSize = 0;
  assert.deepEqual(round(fields), want); // a size update first: not the last block's bytes
  assert.equal(blocks[5]!.replace(/ /g, "").slice(0, 2), "20");
});
