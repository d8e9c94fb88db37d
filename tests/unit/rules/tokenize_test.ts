/** tokenize(): HAProxy's word splitting, quoting and escaping, comments, columns, errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatRuleError, tokenize, type TokenizeOptions } from "../../../src/rules/mod.ts";

function texts(line: string, options?: TokenizeOptions): string[] {
  const r = tokenize(line, options);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  return r.words.map((w) => w.text);
}

function error(line: string, options?: TokenizeOptions): string {
  const r = tokenize(line, options);
  assert.ok(!r.ok, `expected an error for ${line}`);
  return formatRuleError(r.error);
}

test("tokenize() splits on runs of spaces and tabs and gives 1-based columns", () => {
  const r = tokenize("  acl \t is_api   path_beg /api ");
  assert.ok(r.ok);
  assert.deepEqual(r.words, [
    { text: "acl", column: 3 },
    { text: "is_api", column: 9 },
    { text: "path_beg", column: 18 },
    { text: "/api", column: 27 },
  ]);
  assert.deepEqual(texts(""), []);
  assert.deepEqual(texts("   "), []);
});

test("tokenize() keeps spaces in double quotes and joins quoted parts with their neighbours", () => {
  assert.deepEqual(texts(`hdr(ua) "Mozilla 5" x"a b"'c d'e`), ["hdr(ua)", "Mozilla 5", "xa bc de"]);
  assert.deepEqual(texts(`a "" b`), ["a", "", "b"]);
  const r = tokenize(`x "a b"`);
  assert.ok(r.ok);
  assert.equal(r.words[1]!.column, 3, "a quoted word starts at its quote");
});

test("tokenize() keeps everything literal in single quotes", () => {
  assert.deepEqual(texts(`'a\\.b "c" $HOME #x'`, { env: () => "h" }), [`a\\.b "c" $HOME #x`]);
});

test("tokenize() reads escapes outside single quotes, leaving other backslashes for regexes", () => {
  assert.deepEqual(texts(`a\\ b c\\\\d \\#e \\'f \\"g`), ["a b", "c\\d", "#e", "'f", `"g`]);
  assert.deepEqual(texts(`"\\t\\n\\r\\x41\\"q"`), ['\t\n\rA"q']);
  assert.deepEqual(texts(`^/a\\.b\\d+$ "\\.x"`), ["^/a\\.b\\d+$", "\\.x"]);
  assert.deepEqual(texts(`end\\`), ["end\\"]);
});

test("tokenize() ends the line at an unquoted, unescaped # or a line break", () => {
  assert.deepEqual(texts("a b # a comment"), ["a", "b"]);
  assert.deepEqual(texts("a#b c"), ["a"]);
  assert.deepEqual(texts(`"a#b" 'c#d' e\\#f`), ["a#b", "c#d", "e#f"]);
  assert.deepEqual(texts("a b\nc d"), ["a", "b"]);
});

test("tokenize() leaves braces and operators as words when written apart", () => {
  assert.deepEqual(texts("if { src 10.0.0.0/8 } || !x"), [
    "if",
    "{",
    "src",
    "10.0.0.0/8",
    "}",
    "||",
    "!x",
  ]);
  assert.deepEqual(texts("{src}"), ["{src}"]);
});

test("tokenize() refuses an unterminated quote, pointing at it", () => {
  assert.equal(error(`acl x path "abc`), "unterminated quote at column 12");
  assert.equal(error(`a 'b c`), "unterminated quote at column 3");
  const r = tokenize(`x "y`);
  assert.ok(!r.ok);
  assert.deepEqual(r.error, { message: "unterminated quote", word: '"', column: 3 });
});

test("tokenize() refuses a \\x escape without two hex digits", () => {
  assert.equal(error(`ab \\xZ1`), "invalid \\x escape (two hex digits expected) at column 4");
});

test("tokenize() expands variables in double quotes only, and only with env", () => {
  const env = (n: string) => ({ HOME: "/home/t", EMPTY: "" } as Record<string, string>)[n];
  assert.deepEqual(texts(`"$HOME/x" "\${HOME}y" $HOME`, { env }), [
    "/home/t/x",
    "/home/ty",
    "$HOME",
  ]);
  assert.deepEqual(texts(`"\${NOPE-dflt}" "[\${NOPE}]" "\\$HOME"`, { env }), [
    "dflt",
    "[]",
    "$HOME",
  ]);
  assert.deepEqual(texts(`"$HOME"`), ["$HOME"], "no env: $ is literal");
  assert.equal(error(`"$1"`, { env }), `invalid variable name after "$" at column 2`);
  assert.equal(error(`"\${HOME"`, { env }), `unmatched "{" in variable at column 3`);
});

test("tokenize() offsets columns when the line starts further in", () => {
  const r = tokenize("if x", { column: 21 });
  assert.ok(r.ok);
  assert.deepEqual(r.words.map((w) => w.column), [21, 24]);
});
