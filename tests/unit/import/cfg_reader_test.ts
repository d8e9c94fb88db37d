/** Tests for readCfg/splitLine: HAProxy's word splitting, comments, sections. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readCfg, rest, splitLine } from "../../../src/import/cfg_reader.ts";

test("splitLine() resolves quotes and escapes, drops comments, keeps the raw rest", () => {
  const l = splitLine('  http-request return string "a b" if { path /x } # note', 7);
  assert.deepEqual(l.words, [
    "http-request",
    "return",
    "string",
    "a b",
    "if",
    "{",
    "path",
    "/x",
    "}",
  ]);
  assert.equal(rest(l, 1), 'return string "a b" if { path /x }');
  assert.equal(l.line, 7);
  assert.deepEqual(splitLine("acl a hdr(x) -m str a\\ b 'c#d'", 1).words, [
    "acl",
    "a",
    "hdr(x)",
    "-m",
    "str",
    "a b",
    "c#d",
  ]);
});

test("readCfg() groups lines by section with their line numbers", () => {
  const s = readCfg("# top\nglobal\n  maxconn 10\n\nfrontend fe\n  bind :80\nbackend be\n");
  assert.deepEqual(s.map((x) => [x.kind, x.name, x.line, x.lines.map((l) => l.line)]), [
    ["global", "", 2, [3]],
    ["frontend", "fe", 5, [6]],
    ["backend", "be", 7, []],
  ]);
});
