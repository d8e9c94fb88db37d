/**
 * The CI minute of fuzzing (scripts/fuzz): 40 s of cases through both codecs in process and 20 s
 * through tsproxy (Bun) over sockets, seeded by the date (printed; `scripts/fuzz --seed S` runs the
 * same cases). Any finding fails, saved under .fuzz/ for `scripts/fuzz --replay FILE`. First, the
 * checks themselves are shown to catch what they are meant to catch.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import process from "node:process";
import { fuzz } from "./main.ts";
import { readRequest } from "./origin.ts";
import { account } from "./socket.ts";
import { checkH1 } from "./inproc_h1.ts";
import { checkH2 } from "./inproc_h2.ts";
import { h1Case } from "./h1_gen.ts";
import { h2Case } from "./h2_gen.ts";
import { latin1 } from "./h1_gen.ts";
import { dateSeed } from "./rng.ts";
import type { FuzzCase } from "./finding.ts";

const buf = (s: string) => Buffer.from(s, "latin1");

test("fuzz: cases are rebuilt the same from their seed", () => {
  assert.deepEqual(h2Case(42), h2Case(42));
  assert.deepEqual(h1Case(42), h1Case(42));
  assert.notDeepEqual(h2Case(42), h2Case(43));
});

test("fuzz: the origin refuses what a proxy must not forward", () => {
  assert.equal(
    readRequest(buf("GET / HTTP/1.1\r\nhost: a\r\nx-fuzz-conn: 1\r\n\r\n"))?.req.tag,
    "1",
  );
  for (
    const bad of [
      "POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 1\r\ncontent-length: 1\r\n\r\nx",
      "POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 1, 1\r\n\r\nx",
      "POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\ncontent-length: 1\r\n\r\n",
      "GET / HTTP/1.1\r\nhost: a\r\nx: a\r\n b\r\n\r\n",
      "G T / HTTP/1.1\r\nhost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nhost: a\nx: b\r\n\r\n",
    ]
  ) assert.throws(() => readRequest(buf(bad)), JSON.stringify(bad));
});

test("fuzz: accounting flags a second request the client did not send, or another body length", () => {
  const c: FuzzCase = {
    kind: "h1",
    mode: "socket",
    runSeed: 0,
    index: 0,
    seed: 0,
    chunks: [latin1("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")],
  };
  const one = { tag: "1", method: "POST", target: "/", bodyLength: 5 };
  assert.deepEqual(account(c, [one]), []);
  assert.equal(account(c, [one, { ...one, method: "GET", bodyLength: 0 }]).length, 1);
  assert.equal(account(c, [{ ...one, bodyLength: 4 }]).length, 1);
});

test("fuzz: the in-process checks pass valid input and a connection error answered with GOAWAY", () => {
  assert.deepEqual(checkH1([latin1("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]), []);
  assert.deepEqual(checkH2(h2Case(1)), []);
  const garbage = checkH2([
    latin1("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    new Uint8Array(9).fill(0xff),
  ]);
  assert.deepEqual(garbage, [], "a connection error is an answer, not a finding");
});

test("fuzz: one minute of both codecs, in process and through tsproxy, finds nothing", async () => {
  const seed = Number(process.env.FUZZ_SEED ?? dateSeed());
  const r = await fuzz({ seed, inprocSeconds: 40, socketSeconds: 20 });
  assert.ok(r.inproc.cases > 1000, `only ${r.inproc.cases} in-process cases`);
  assert.ok(r.socket.cases > 100, `only ${r.socket.cases} socket cases`);
  assert.ok((r.socket.originRequests ?? 0) > 20, "almost nothing reached the origin");
  assert.deepEqual(
    r.findings.map((f) => `${f.file}: ${f.problems.join("; ")}`),
    [],
    `seed ${seed}: replay with scripts/fuzz --replay FILE`,
  );
});
