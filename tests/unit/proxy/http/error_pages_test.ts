/** Tests for the proxy's own error pages: the closing page, the page a kept connection gets, errorfiles. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorPages } from "../../../../src/proxy/http/error_pages.ts";

const text = (b: Uint8Array | null) => b === null ? null : new TextDecoder().decode(b);

test("get() closes the connection; kept() is the same page without connection: close", () => {
  const pages = new ErrorPages();
  const closing = text(pages.get(429))!, kept = text(pages.kept(429))!;
  assert.match(closing, /^HTTP\/1\.1 429 Too Many Requests\r\n/);
  assert.match(closing, /\r\nconnection: close\r\n/);
  assert.doesNotMatch(kept, /connection:/i);
  assert.equal(kept, closing.replace("connection: close\r\n", ""));
  assert.equal(pages.kept(429), pages.kept(429), "built once");
});

test("kept() is null for a status an errorfile answers: its bytes are written as they are", () => {
  const file = new TextEncoder().encode("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
  const pages = new ErrorPages(new Map([[403, file]]));
  assert.equal(pages.kept(403), null);
  assert.equal(pages.get(403), file);
  assert.notEqual(pages.kept(429), null);
});
