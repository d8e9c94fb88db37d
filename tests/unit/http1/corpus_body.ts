/** Corpus part two: body framing (CL.TE, TE.CL, TE.TE, Content-Length) and chunked bodies (see corpus.ts). */
import type { CorpusCase } from "./corpus.ts";
import { req } from "./corpus_head.ts";

const POST = "POST / HTTP/1.1";
const H = "Host: a";
const TE = "Transfer-Encoding: chunked";
const BODY = "5\r\nhello\r\n0\r\n\r\n";

/** A chunked POST with the given body. */
function chunked(body: string, fields: string[] = [H, TE]): string {
  return req(POST, fields, body);
}

export const bodyCases: CorpusCase[] = [
  // Baselines.
  {
    name: "POST with Content-Length",
    raw: req(POST, [H, "Content-Length: 5"], "hello"),
    verdict: "ok",
  },
  { name: "POST chunked", raw: chunked(BODY), verdict: "ok" },
  {
    name: "pipelined: Content-Length POST then GET",
    raw: req(POST, [H, "Content-Length: 5"], "hello") + req("GET / HTTP/1.1", [H]),
    verdict: "ok",
  },
  {
    name: "pipelined: chunked POST then GET",
    raw: chunked(BODY) + req("GET / HTTP/1.1", [H]),
    verdict: "ok",
  },
  // CL.TE and TE.CL.
  {
    name: "CL.TE: Content-Length then chunked",
    raw: chunked(BODY, [H, "Content-Length: 6", TE]),
    verdict: 400,
  },
  {
    name: "TE.CL: chunked then Content-Length",
    raw: chunked(BODY, [H, TE, "Content-Length: 3"]),
    verdict: 400,
  },
  {
    name: "Content-Length 0 with chunked",
    raw: chunked(BODY, [H, "Content-Length: 0", TE]),
    verdict: 400,
  },
  // TE.TE obfuscations.
  {
    name: "Transfer-Encoding: CHUNKED",
    raw: chunked(BODY, [H, "Transfer-Encoding: CHUNKED"]),
    verdict: "ok",
  },
  {
    name: "lowercase field name",
    raw: chunked(BODY, [H, "transfer-encoding: chunked"]),
    verdict: "ok",
  },
  {
    name: "Transfer-Encoding:<HTAB>chunked",
    raw: chunked(BODY, [H, "Transfer-Encoding:\tchunked"]),
    verdict: "ok",
    note: "HTAB is optional whitespace: the field is plain chunked",
  },
  {
    name: "Transfer-Encoding: xchunked",
    raw: chunked(BODY, [H, "Transfer-Encoding: xchunked"]),
    verdict: 400,
    note: "chunked is not the final coding: RFC 9112 §6.3 asks for 400 (so does HAProxy)",
  },
  {
    name: "Transfer-Encoding : chunked",
    raw: chunked(BODY, [H, "Transfer-Encoding : chunked"]),
    verdict: 400,
  },
  {
    name: "chunked then a second field x",
    raw: chunked(BODY, [H, TE, "Transfer-Encoding: x"]),
    verdict: 400,
    note: "chunked is not the final coding",
  },
  {
    name: "x then chunked",
    raw: chunked(BODY, [H, "Transfer-Encoding: x", TE]),
    verdict: 501,
    note: "only chunked is accepted in a request: the field is forwarded as received",
  },
  {
    name: "chunked, chunked",
    raw: chunked(BODY, [H, "Transfer-Encoding: chunked, chunked"]),
    verdict: 400,
  },
  { name: "chunked twice in two fields", raw: chunked(BODY, [H, TE, TE]), verdict: 400 },
  {
    name: "gzip, chunked",
    raw: chunked(BODY, [H, "Transfer-Encoding: gzip, chunked"]),
    verdict: 501,
    note: "a server that knows no request codings may not see chunked in it (HAProxy: 422)",
  },
  {
    name: "gzip and chunked in two fields",
    raw: chunked(BODY, [H, "Transfer-Encoding: gzip", TE]),
    verdict: 501,
  },
  {
    name: "chunked, gzip",
    raw: chunked(BODY, [H, "Transfer-Encoding: chunked, gzip"]),
    verdict: 400,
  },
  {
    name: "gzip alone in a request",
    raw: chunked(BODY, [H, "Transfer-Encoding: gzip"]),
    verdict: 400,
  },
  { name: "identity coding", raw: chunked(BODY, [H, "Transfer-Encoding: identity"]), verdict: 400 },
  { name: "chunked;q=1", raw: chunked(BODY, [H, "Transfer-Encoding: chunked;q=1"]), verdict: 400 },
  { name: "quoted chunked", raw: chunked(BODY, [H, 'Transfer-Encoding: "chunked"']), verdict: 400 },
  { name: "empty Transfer-Encoding", raw: chunked(BODY, [H, "Transfer-Encoding:"]), verdict: 400 },
  {
    name: "empty list element before chunked",
    raw: chunked(BODY, [H, "Transfer-Encoding: , chunked"]),
    verdict: 400,
    note: "RFC 9110 §5.6.1 would skip it, but the field is forwarded as received and a server " +
      'comparing it with "chunked" would not frame the body as chunked',
  },
  {
    name: "empty list element after chunked",
    raw: chunked(BODY, [H, "Transfer-Encoding: chunked,"]),
    verdict: 400,
  },
  {
    name: "Transfer-Encoding obs-fold",
    raw: chunked(BODY, [H, "Transfer-encoding:", " chunked"]),
    verdict: 400,
  },
  {
    name: "Transfer-Encoding with vertical tab",
    raw: chunked(BODY, [H, "Transfer-Encoding:\x0bchunked"]),
    verdict: 400,
  },
  {
    name: "Transfer-Encoding in HTTP/1.0",
    raw: req("POST / HTTP/1.0", [TE], BODY),
    verdict: 400,
  },
  // Content-Length.
  {
    name: "Content-Length twice, equal",
    raw: req(POST, [H, "Content-Length: 5", "Content-Length: 5"], "hello"),
    verdict: "ok",
  },
  {
    name: "Content-Length twice, different",
    raw: req(POST, [H, "Content-Length: 5", "Content-Length: 6"], "hello!"),
    verdict: 400,
  },
  {
    name: "Content-Length list 5, 5",
    raw: req(POST, [H, "Content-Length: 5, 5"], "hello"),
    verdict: "ok",
  },
  {
    name: "Content-Length list 5, 6",
    raw: req(POST, [H, "Content-Length: 5, 6"], "hello!"),
    verdict: 400,
  },
  {
    name: "Content-Length with trailing comma",
    raw: req(POST, [H, "Content-Length: 5,"], "hello"),
    verdict: 400,
  },
  { name: "negative Content-Length", raw: req(POST, [H, "Content-Length: -1"]), verdict: 400 },
  { name: "Content-Length +5", raw: req(POST, [H, "Content-Length: +5"], "hello"), verdict: 400 },
  {
    name: "Content-Length with leading space",
    raw: req(POST, [H, "Content-Length:  5"], "hello"),
    verdict: "ok",
    note: "spaces around a value are field syntax (OWS), not part of it",
  },
  {
    name: "Content-Length with trailing space",
    raw: req(POST, [H, "Content-Length: 5 "], "hello"),
    verdict: "ok",
  },
  {
    name: "Content-Length 1 0",
    raw: req(POST, [H, "Content-Length: 1 0"], "0123456789"),
    verdict: 400,
  },
  {
    name: "Content-Length 1_0",
    raw: req(POST, [H, "Content-Length: 1_0"], "0123456789"),
    verdict: 400,
  },
  {
    name: "Content-Length in hex",
    raw: req(POST, [H, "Content-Length: 0x5"], "hello"),
    verdict: 400,
  },
  { name: "Content-Length empty", raw: req(POST, [H, "Content-Length:"]), verdict: 400 },
  {
    name: "Content-Length 2^53",
    raw: req(POST, [H, "Content-Length: 9007199254740992"]),
    verdict: 400,
  },
  {
    name: "Content-Length huge",
    raw: req(POST, [H, "Content-Length: 99999999999999999999"]),
    verdict: 400,
  },
  {
    name: "Content-Length with leading zeros",
    raw: req(POST, [H, "Content-Length: 005"], "hello"),
    verdict: "ok",
  },
  // Chunked bodies.
  { name: "uppercase hex chunk size", raw: chunked("A\r\n0123456789\r\n0\r\n\r\n"), verdict: "ok" },
  {
    name: "chunk size with 16 digits",
    raw: chunked("0000000000000005\r\nhello\r\n0\r\n\r\n"),
    verdict: "ok",
  },
  {
    name: "chunk size with 17 digits",
    raw: chunked("00000000000000005\r\nhello\r\n0\r\n\r\n"),
    verdict: 400,
  },
  {
    name: "chunk size overflow",
    raw: chunked("ffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
    verdict: 400,
  },
  {
    name: "chunk size above 2^53-1",
    raw: chunked("20000000000000\r\nhello\r\n0\r\n\r\n"),
    verdict: 400,
  },
  { name: "chunk size with 0x", raw: chunked("0x5\r\nhello\r\n0\r\n\r\n"), verdict: 400 },
  { name: "chunk size with +", raw: chunked("+5\r\nhello\r\n0\r\n\r\n"), verdict: 400 },
  { name: "empty chunk size", raw: chunked("\r\nhello\r\n0\r\n\r\n"), verdict: 400 },
  {
    name: "chunk size with trailing space",
    raw: chunked("5 \r\nhello\r\n0\r\n\r\n"),
    verdict: 400,
    note: "no whitespace in a chunk-size line (HAProxy skips it)",
  },
  { name: "chunk size with leading space", raw: chunked(" 5\r\nhello\r\n0\r\n\r\n"), verdict: 400 },
  {
    name: "chunk extension name=token",
    raw: chunked("5;a=b\r\nhello\r\n0;last\r\n\r\n"),
    verdict: "ok",
  },
  {
    name: "chunk extension quoted value",
    raw: chunked('5;a="b \\" c";d\r\nhello\r\n0\r\n\r\n'),
    verdict: "ok",
  },
  {
    name: "chunk extension with spaces (BWS)",
    raw: chunked("5 ; a=b\r\nhello\r\n0\r\n\r\n"),
    verdict: 400,
    note: "RFC 9112 allows BWS around ';' for legacy senders; tsproxy refuses it",
  },
  {
    name: "chunk extension without name",
    raw: chunked("5;=b\r\nhello\r\n0\r\n\r\n"),
    verdict: 400,
  },
  {
    name: "chunk extension unterminated quote",
    raw: chunked('5;a="b\r\nhello\r\n0\r\n\r\n'),
    verdict: 400,
  },
  {
    name: "chunk size line too long",
    raw: chunked(`5;a=${"b".repeat(5000)}\r\nhello\r\n0\r\n\r\n`),
    verdict: 400,
    prefixBefore: 4096, // the line is refused at its 4097th byte
  },
  { name: "missing CRLF after chunk data", raw: chunked("5\r\nhello!\r\n0\r\n\r\n"), verdict: 400 },
  { name: "bare LF after chunk data", raw: chunked("5\r\nhello\n0\r\n\r\n"), verdict: 400 },
  { name: "bare LF after chunk size", raw: chunked("5\nhello\r\n0\r\n\r\n"), verdict: 400 },
  { name: "bare LF ending the body", raw: chunked("5\r\nhello\r\n0\r\n\n"), verdict: 400 },
  {
    name: "valid trailers",
    raw: chunked("5\r\nhello\r\n0\r\nX-T: 1\r\nX-U:\tv w\r\n\r\n"),
    verdict: "ok",
  },
  {
    name: "trailer with space before colon",
    raw: chunked("5\r\nhello\r\n0\r\nX-T : 1\r\n\r\n"),
    verdict: 400,
  },
  {
    name: "trailer obs-fold",
    raw: chunked("5\r\nhello\r\n0\r\nX-T: 1\r\n 2\r\n\r\n"),
    verdict: 400,
  },
  { name: "trailer without colon", raw: chunked("5\r\nhello\r\n0\r\nX-T\r\n\r\n"), verdict: 400 },
  {
    name: "trailer with NUL",
    raw: chunked("5\r\nhello\r\n0\r\nX-T: a\x00b\r\n\r\n"),
    verdict: 400,
  },
  {
    name: "smuggled request as a trailer-less body",
    raw: chunked("0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n"),
    verdict: "ok",
    note: "after the last chunk the rest is a second, valid, pipelined request",
  },
];
