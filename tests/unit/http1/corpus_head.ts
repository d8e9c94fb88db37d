/** Corpus part one: request lines, header fields, Host, limits (see corpus.ts). */
import type { CorpusCase } from "./corpus.ts";

/** A request: the line, the fields (each without CRLF), then the body. */
export function req(line: string, fields: string[], body = ""): string {
  return `${line}\r\n${fields.map((f) => f + "\r\n").join("")}\r\n${body}`;
}

const GET = "GET / HTTP/1.1";
const H = "Host: a";

export const headCases: CorpusCase[] = [
  // Baselines.
  { name: "simple GET", raw: req(GET, [H]), verdict: "ok" },
  { name: "HTTP/1.0 without Host", raw: req("GET / HTTP/1.0", []), verdict: "ok" },
  { name: "pipelined GETs", raw: req(GET, [H]) + req("GET /b HTTP/1.1", [H]), verdict: "ok" },
  { name: "leading CRLF before request line", raw: "\r\n" + req(GET, [H]), verdict: "ok" },
  { name: "two leading CRLFs", raw: "\r\n\r\n" + req(GET, [H]), verdict: "ok" },
  {
    name: "five leading CRLFs",
    raw: "\r\n".repeat(5) + req(GET, [H]),
    verdict: "ok",
    note: "empty lines before the start line are skipped while they fit in maxHead, like HAProxy",
  },
  {
    name: "leading CRLFs beyond the head size limit",
    raw: "\r\n".repeat(8193) + req(GET, [H]),
    verdict: 400,
    note: "16386 bytes of empty lines: more than maxHead (HAProxy's buffer is full there too)",
  },
  { name: "leading bare LF", raw: "\n" + req(GET, [H]), verdict: 400 },
  {
    name: "pipelined second request malformed",
    raw: req(GET, [H]) + req("GET  / HTTP/1.1", [H]),
    verdict: 400,
  },
  // Request line.
  { name: "two spaces after method", raw: req("GET  / HTTP/1.1", [H]), verdict: 400 },
  { name: "two spaces before version", raw: req("GET /  HTTP/1.1", [H]), verdict: 400 },
  { name: "tab as separator", raw: req("GET\t/ HTTP/1.1", [H]), verdict: 400 },
  { name: "trailing space after version", raw: req("GET / HTTP/1.1 ", [H]), verdict: 400 },
  { name: "lowercase version", raw: req("GET / http/1.1", [H]), verdict: 400 },
  { name: "HTTP/2.0 version", raw: req("GET / HTTP/2.0", [H]), verdict: 505 },
  {
    name: "HTTP/1.2 version",
    raw: req("GET / HTTP/1.2", [H]),
    verdict: "ok",
    note: "a later minor is read as 1.1 (RFC 9110 §2.5; HAProxy does the same)",
  },
  { name: "version HTTP/1.10", raw: req("GET / HTTP/1.10", [H]), verdict: 400 },
  { name: "HTTP/0.9-style request line", raw: "GET /\r\n\r\n", verdict: 400 },
  { name: "lowercase method (a valid token)", raw: req("get / HTTP/1.1", [H]), verdict: "ok" },
  { name: "method with non-token char", raw: req("GE(T / HTTP/1.1", [H]), verdict: 400 },
  { name: "NUL in path", raw: req("GET /a\x00b HTTP/1.1", [H]), verdict: 400 },
  { name: "DEL in path", raw: req("GET /a\x7fb HTTP/1.1", [H]), verdict: 400 },
  { name: "non-ASCII byte in path", raw: req("GET /caf\xe9 HTTP/1.1", [H]), verdict: 400 },
  {
    name: "fragment in path",
    raw: req("GET /a#b HTTP/1.1", [H]),
    verdict: 400,
    note: "HAProxy refuses '#' by default too",
  },
  { name: "bare CR in request line", raw: req("GET /a\rb HTTP/1.1", [H]), verdict: 400 },
  { name: "target without leading slash", raw: req("GET index.html HTTP/1.1", [H]), verdict: 400 },
  { name: "absolute-form with Host", raw: req("GET http://a/p HTTP/1.1", [H]), verdict: "ok" },
  {
    name: "absolute-form, uppercase scheme",
    raw: req("GET HTTPS://a:8443/p?q HTTP/1.1", ["Host: a:8443"]),
    verdict: "ok",
  },
  {
    name: "absolute-form, default port in the target only",
    raw: req("GET http://a:80/p HTTP/1.1", [H]),
    verdict: "ok",
  },
  {
    name: "absolute-form with a different Host",
    raw: req("GET http://b/p HTTP/1.1", [H]),
    verdict: 400,
    note: "Host must name the target's authority (HAProxy does the same): else a server routing " +
      "on Host and a rule matching the target disagree",
  },
  {
    name: "absolute-form with another port in Host",
    raw: req("GET http://a/p HTTP/1.1", ["Host: a:8080"]),
    verdict: 400,
  },
  {
    name: "absolute-form with an empty Host",
    raw: req("GET http://a/p HTTP/1.1", ["Host:"]),
    verdict: 400,
  },
  {
    name: "absolute-form without Host in HTTP/1.1",
    raw: req("GET http://a/p HTTP/1.1", []),
    verdict: 400,
    note: "RFC 9112 §3.2: every HTTP/1.1 request must carry Host",
  },
  {
    name: "absolute-form in HTTP/1.0 without Host",
    raw: req("GET http://a/ HTTP/1.0", []),
    verdict: "ok",
  },
  { name: "absolute-form with userinfo", raw: req("GET http://u@a/ HTTP/1.1", [H]), verdict: 400 },
  { name: "absolute-form with empty host", raw: req("GET http:/// HTTP/1.1", [H]), verdict: 400 },
  { name: "absolute-form with other scheme", raw: req("GET ftp://a/ HTTP/1.1", [H]), verdict: 400 },
  { name: "authority-form with GET", raw: req("GET a:80 HTTP/1.1", [H]), verdict: 400 },
  {
    name: "CONNECT authority-form",
    raw: req("CONNECT a:443 HTTP/1.1", ["Host: a:443"]),
    verdict: "ok",
  },
  {
    name: "CONNECT with a different Host",
    raw: req("CONNECT a:443 HTTP/1.1", ["Host: b:443"]),
    verdict: 400,
  },
  { name: "CONNECT origin-form", raw: req("CONNECT / HTTP/1.1", [H]), verdict: 400 },
  { name: "CONNECT without port", raw: req("CONNECT a HTTP/1.1", [H]), verdict: 400 },
  { name: "OPTIONS asterisk-form", raw: req("OPTIONS * HTTP/1.1", [H]), verdict: "ok" },
  { name: "asterisk-form with GET", raw: req("GET * HTTP/1.1", [H]), verdict: 400 },
  // Host.
  { name: "missing Host in HTTP/1.1", raw: req(GET, []), verdict: 400 },
  { name: "Host twice (equal)", raw: req(GET, [H, H]), verdict: 400 },
  { name: "Host twice (different)", raw: req(GET, [H, "Host: b"]), verdict: 400 },
  { name: "Host with a space", raw: req(GET, ["Host: a b"]), verdict: 400 },
  { name: "Host with userinfo", raw: req(GET, ["Host: u@a"]), verdict: 400 },
  { name: "Host with a path", raw: req(GET, ["Host: a/b"]), verdict: 400 },
  { name: "Host with bad port", raw: req(GET, ["Host: a:80x"]), verdict: 400 },
  { name: "Host IPv6 literal", raw: req(GET, ["Host: [::1]:8080"]), verdict: "ok" },
  {
    name: "empty Host",
    raw: req(GET, ["Host:"]),
    verdict: "ok",
    note: "RFC 9112 §3.2 allows an empty Host when the target has no authority",
  },
  // Header fields.
  { name: "space before colon", raw: req(GET, [H, "X-A : b"]), verdict: 400 },
  { name: "tab before colon", raw: req(GET, [H, "X-A\t: b"]), verdict: 400 },
  { name: "empty header name", raw: req(GET, [H, ": b"]), verdict: 400 },
  { name: "non-token header name", raw: req(GET, [H, "X(A): b"]), verdict: 400 },
  { name: "space inside header name", raw: req(GET, [H, "X A: b"]), verdict: 400 },
  { name: "header without colon", raw: req(GET, [H, "X-A b"]), verdict: 400 },
  { name: "obs-fold continuation line", raw: req(GET, [H, "X-A: b", " c"]), verdict: 400 },
  { name: "obs-fold with tab", raw: req(GET, [H, "X-A: b", "\tc"]), verdict: 400 },
  { name: "whitespace before first field", raw: req(GET, [" " + H]), verdict: 400 },
  { name: "NUL in header value", raw: req(GET, [H, "X-A: b\x00c"]), verdict: 400 },
  { name: "bare CR in header value", raw: req(GET, [H, "X-A: b\rc"]), verdict: 400 },
  {
    name: "header injection through bare CR",
    raw: req(GET, [H, "X-A: b\rTransfer-Encoding: chunked"]),
    verdict: 400,
  },
  { name: "vertical tab in header value", raw: req(GET, [H, "X-A: b\x0bc"]), verdict: 400 },
  { name: "DEL in header value", raw: req(GET, [H, "X-A: b\x7fc"]), verdict: 400 },
  { name: "tab inside header value", raw: req(GET, [H, "X-A: b\tc"]), verdict: "ok" },
  { name: "obs-text in header value", raw: req(GET, [H, "X-A: caf\xe9"]), verdict: "ok" },
  {
    name: "bare LF line endings",
    raw: "GET / HTTP/1.1\nHost: a\n\n",
    verdict: 400,
    note: "RFC 9112 §2.2 lets a recipient accept LF alone; HAProxy does; tsproxy refuses it",
  },
  {
    name: "bare LF ending one field",
    raw: "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n",
    verdict: 400,
  },
  { name: "bare LF as the empty line", raw: "GET / HTTP/1.1\r\nHost: a\r\n\n", verdict: 400 },
  { name: "bare CR as the line ending", raw: "GET / HTTP/1.1\rHost: a\r\n\r\n", verdict: 400 },
  // Limits (DEFAULT_LIMITS: request line 8192, head 16384, 101 fields).
  {
    name: "overlong request line",
    raw: req(`GET /${"a".repeat(8300)} HTTP/1.1`, [H]),
    verdict: 414,
  },
  {
    name: "overlong head",
    raw: req(GET, [H, ...Array.from({ length: 20 }, (_, i) => `X-${i}: ${"v".repeat(1000)}`)]),
    verdict: 431,
  },
  {
    name: "too many header fields (102)",
    raw: req(GET, [H, ...Array.from({ length: 101 }, (_, i) => `X-${i}: v`)]),
    verdict: 431,
  },
  {
    name: "101 header fields (one over the limit)",
    raw: req(GET, [H, ...Array.from({ length: 100 }, (_, i) => `X-${i}: v`)]),
    verdict: 431,
  },
  {
    name: "100 header fields (the limit)",
    raw: req(GET, [H, ...Array.from({ length: 99 }, (_, i) => `X-${i}: v`)]),
    verdict: "ok",
  },
];
