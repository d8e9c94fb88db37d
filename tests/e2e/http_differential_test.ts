/**
 * The malformed/smuggling corpus sent to Debian's haproxy and to tsproxy, same bytes, same limits,
 * each in front of its own recording origin. A verdict is what the client got (the statuses of the
 * responses, or how the connection ended without one) and whether any byte reached the origin.
 * Every case where the verdicts differ must be listed in `justified` with the reason tsproxy
 * differs on purpose, and every entry there must still differ. See docs/http-strictness.md.
 */
import assert from "node:assert/strict";
import net from "node:net";
import process from "node:process";
import { test } from "node:test";
import { corpus, type CorpusCase } from "../unit/http1/corpus.ts";
import { bytesOf, drive } from "../unit/http1/drive.ts";
import { HAPROXY_BIN, haproxyAvailable, haproxyConfig, startHaproxy } from "./helpers/haproxy.ts";
import { startImported } from "./helpers/imported.ts";
import { parseResponses } from "./helpers/http.ts";
import { type Origin, sleep, tcpServer } from "./helpers/net.ts";
import { startProxy } from "./helpers/proxy.ts";

// Reasons shared by several cases: one policy, one wording.
const BARE_LF = "RFC 9112 §2.2 lets a recipient take a lone LF as a line end; HAProxy does, " +
  "tsproxy refuses: a parser in front of it that does not end the line there reads other fields " +
  "(a known smuggling vector)";
const CHUNK_LF = "HAProxy takes a lone LF as the end of a chunk line; tsproxy forwards chunked " +
  "bodies as received and refuses: LF-only chunk lines desynchronise proxies and servers";
const REQUEST_LINE = "RFC 9112 §3: one SP between method, target and version (splitting on any " +
  "whitespace is a MAY); HAProxy rewrites the line, tsproxy refuses it: no client sends it, and " +
  "a parser in front of tsproxy may split it elsewhere";
const OBS_FOLD = "RFC 9112 §5.2 lets a proxy refuse obs-fold (400) or unfold it; HAProxy " +
  "unfolds, tsproxy refuses: parsers that do not unfold see another field or garbage";
const HOST = "RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host, with " +
  "several Host fields or an invalid Host value; HAProxy 2.6 forwards it";
const CONTROL = "RFC 9110 §5.5: NUL must be refused or replaced, other controls are invalid; " +
  "HAProxy 2.6 forwards them and servers differ on them";
const CL_TE = "RFC 9112 §6.3: both Transfer-Encoding and Content-Length 'ought to be handled " +
  "as an error'; HAProxy drops Content-Length and forwards, tsproxy refuses the CL.TE/TE.CL shape";
const CODING_STATUS = "both refuse; RFC 9112 §6.1 says 501 for a transfer coding the server " +
  "does not implement, HAProxy answers 422";
const CHUNK_LINE = "tsproxy forwards chunk-size lines as received, so it only passes ones every " +
  "parser reads alike (no whitespace, valid extensions, 4096 bytes at most); HAProxy skips " +
  "whatever follows the size up to the line end";
const TRAILER = "trailer fields follow the header field rules (RFC 9110 §6.5); HAProxy forwards " +
  "them unchecked, tsproxy refuses what it would refuse in a head";
const TOO_LARGE = "both refuse before forwarding; RFC 6585 §5 has 431 for a head too large, " +
  "HAProxy 2.6 answers 400 to every head it cannot parse";

/**
 * Cases where tsproxy's verdict differs from HAProxy 2.6's on purpose: case name → why. Mirrored in
 * docs/http-strictness.md.
 */
const justified: Record<string, string> = {
  "leading bare LF": BARE_LF,
  "bare LF line endings": BARE_LF,
  "bare LF ending one field": BARE_LF,
  "bare LF as the empty line": BARE_LF,
  "two spaces after method": REQUEST_LINE,
  "two spaces before version": REQUEST_LINE,
  "tab as separator": REQUEST_LINE,
  "pipelined second request malformed": REQUEST_LINE + " (here the second request)",
  "HTTP/2.0 version": "RFC 9110 §15.6.6: 505 for an unsupported major version; HAProxy " +
    "forwards a text 'HTTP/2.0' request as HTTP/1.1 (HTTP/2 itself is binary)",
  "DEL in path": "DEL is no visible char (RFC 3986); HAProxy 2.6 forwards it, servers differ",
  "absolute-form without Host in HTTP/1.1": HOST,
  "missing Host in HTTP/1.1": HOST,
  "Host twice (equal)": HOST + " (HAProxy merges equal values)",
  "Host with a space": HOST,
  "Host with userinfo": HOST,
  "Host with a path": HOST,
  "Host with bad port": HOST,
  "absolute-form with userinfo": "RFC 9110 §4.2.4: treat userinfo in an http(s) URI as an " +
    "error (it disguises the authority); HAProxy 2.6 forwards it",
  "absolute-form with empty host": "RFC 9110 §4.2.1: a recipient MUST reject an http URI with " +
    "an empty host; HAProxy 2.6 forwards it",
  "absolute-form with other scheme": "tsproxy is a gateway for http and https targets only; " +
    "HAProxy forwards ftp:// as it came",
  "asterisk-form with GET": "RFC 9112 §3.2.4: the asterisk-form is for OPTIONS only; HAProxy " +
    "2.6 forwards it",
  "obs-fold continuation line": OBS_FOLD,
  "obs-fold with tab": OBS_FOLD,
  "Transfer-Encoding obs-fold": OBS_FOLD + " (here a folded Transfer-Encoding: a TE.TE vector)",
  "NUL in header value": CONTROL,
  "vertical tab in header value": CONTROL,
  "DEL in header value": CONTROL,
  "overlong request line": "HAProxy's only limit is tune.bufsize; tsproxy also caps the request " +
    "line (maxRequestLine 8192: RFC 9112 §3 asks for at least 8000) and answers 414",
  "overlong head": TOO_LARGE,
  "too many header fields (102)": TOO_LARGE,
  "101 header fields (one over the limit)": TOO_LARGE,
  "CL.TE: Content-Length then chunked": CL_TE,
  "TE.CL: chunked then Content-Length": CL_TE,
  "Content-Length 0 with chunked": CL_TE,
  "x then chunked": CODING_STATUS,
  "gzip, chunked": CODING_STATUS,
  "gzip and chunked in two fields": CODING_STATUS,
  "empty list element before chunked": "both refuse: tsproxy with 400 (a malformed list for " +
    "framing), HAProxy with 422 (it takes the empty element for an unknown coding)",
  "empty list element after chunked": "tsproxy forwards Transfer-Encoding as received, so only " +
    "a plain 'chunked'; HAProxy forwards 'chunked,', which a server comparing the value with " +
    "'chunked' does not frame as chunked",
  "Transfer-Encoding in HTTP/1.0": "RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty " +
    "framing; HAProxy forwards it to the server",
  "Content-Length 2^53": "lengths are JavaScript numbers, exact up to 2^53-1 (8 PiB); HAProxy " +
    "reads 64 bits. No real body is that long, and refusing beats miscounting",
  "chunk size with 17 digits": "tsproxy forwards the size line as received and caps it at 16 " +
    "hex digits, leading zeros included, for servers with fixed-width size parsers; HAProxy " +
    "checks only the value",
  "chunk size with trailing space": CHUNK_LINE,
  "chunk extension with spaces (BWS)": CHUNK_LINE,
  "chunk extension without name": CHUNK_LINE,
  "chunk extension unterminated quote": CHUNK_LINE + " (a parser honouring the quote reads on " +
    "past the CRLF)",
  "chunk size line too long": CHUNK_LINE,
  "bare LF after chunk data": CHUNK_LF,
  "bare LF after chunk size": CHUNK_LF,
  "bare LF ending the body": CHUNK_LF,
  "trailer with space before colon": TRAILER + " (HAProxy 2.6 only sometimes: see HAPROXY_VARIES)",
  "trailer obs-fold": TRAILER,
  "trailer with NUL": TRAILER,
};

/**
 * Cases whose HAProxy verdict depends on earlier connections, so they may or may not differ in a
 * run. HAProxy 2.6 parses trailers with a `struct h1m` whose `err_pos` is left uninitialized (later
 * versions copy the message's), and `err_pos` decides whether a space before a colon is tolerated:
 * the request is forwarded after some cases and refused after others. tsproxy always refuses.
 */
const HAPROXY_VARIES = new Set(["trailer with space before colon"]);

/** tsproxy with HAProxy's limits and timeouts; CONNECT accepted, as HAProxy forwards it. */
function tsproxyConfig(originPort: number): string {
  return `
global: { tune: { bufsize: 16384, maxRequestLine: 8192, maxHeaders: 100 }, log: none }
defaults:
  mode: http
  timeout: { connect: 2s, client: 5s, server: 5s, httpRequest: 2s }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be, acceptConnect: true }
backends:
  be:
    servers:
      - { name: origin, address: "127.0.0.1:${originPort}" }
`;
}

/** An origin that records every byte and answers "200 ok" to each complete request it can read. */
interface RecordingOrigin extends Origin {
  /** Bytes received, all connections. */
  readonly received: number;
  /** What the origin's own (strict) parser refused in what a proxy sent, in arrival order. */
  readonly refusals: string[];
}

async function recordingOrigin(): Promise<RecordingOrigin> {
  let received = 0;
  const refusals: string[] = [];
  const origin = await tcpServer((sock) => {
    let buf = new Uint8Array(0);
    let answered = 0;
    let refused = false;
    sock.on("data", (d: Buffer) => {
      received += d.length;
      const next = new Uint8Array(buf.length + d.length);
      next.set(buf);
      next.set(d, buf.length);
      buf = next;
      if (refused) return;
      // the codec finds the request boundaries (bodies re-chunked by HAProxy included)
      const out = drive("request", [buf]);
      let owed = out.messages.filter((m) => m.complete).length;
      if (typeof out.verdict === "number") {
        refused = true;
        refusals.push(`${out.verdict} ${out.reason ?? ""}`);
        owed++; // answer it anyway, so the client sees what the proxy forwarded
      }
      for (; answered < owed; answered++) {
        sock.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      }
    });
    sock.on("end", () => sock.end());
  });
  return {
    port: origin.port,
    get accepted() {
      return origin.accepted;
    },
    get open() {
      return origin.open;
    },
    close: () => origin.close(),
    get received() {
      return received;
    },
    refusals,
  };
}

interface Verdict {
  /** Statuses of the complete responses the client got, in order. */
  statuses: number[];
  /** How the connection was when collection stopped. */
  end: "close" | "reset" | "open";
  /** Bytes that reached the origin. */
  originBytes: number;
  /** What the origin's strict parser refused in what was forwarded, if anything. */
  originRefused: string | null;
}

/** The verdict as compared and shown: "400", "200,200 +origin", "no response (close)". */
function shown(v: Verdict): string {
  const seen = v.statuses.length > 0 ? v.statuses.join(",") : `no response (${v.end})`;
  return seen + (v.originBytes > 0 ? " +origin" : "");
}

/** TSPROXY_DIFF_VERBOSE=1 prints every case's two verdicts, not only the differences. */
const VERBOSE = process.env.TSPROXY_DIFF_VERBOSE === "1";

/** No response within this long after sending: the verdict is how the connection stands. */
const FIRST_RESPONSE_MS = 3000;
/** After a response, this long without new bytes ends the collection (the connection may stay open). */
const QUIET_MS = 400;

/** Sends `raw` on a fresh connection and collects the responses until close, quiet or timeout. */
async function probe(
  port: number,
  raw: Uint8Array,
): Promise<Omit<Verdict, "originBytes" | "originRefused">> {
  const sock = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  let data = Buffer.alloc(0);
  let lastData = 0;
  let end: Verdict["end"] = "open";
  sock.on("data", (d: Buffer) => {
    data = Buffer.concat([data, d]);
    lastData = Date.now();
  });
  sock.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "ECONNRESET" || err.code === "EPIPE") end = "reset";
  });
  sock.on("end", () => {
    if (end === "open") end = "close";
  });
  sock.on("close", () => {
    if (end === "open") end = "close";
  });
  await new Promise<void>((resolve, reject) => {
    sock.once("connect", () => resolve());
    sock.once("error", reject);
  });
  sock.write(raw);
  const t0 = Date.now();
  const statuses = (): number[] => {
    try {
      return parseResponses(data, { closed: end !== "open" }).responses.map((r) => r.status);
    } catch {
      return [-1]; // unparsable: shows up as a difference
    }
  };
  for (let i = 0; i < 400; i++) {
    if (end !== "open") break;
    const now = Date.now();
    if (statuses().length > 0) {
      if (now - lastData >= QUIET_MS) break;
    } else if (now - t0 >= FIRST_RESPONSE_MS) {
      break;
    }
    await sleep(20);
  }
  const result = { statuses: statuses(), end };
  sock.destroy();
  return result;
}

/** One case through one proxy: the client's view and the origin's. */
async function verdictOf(port: number, origin: RecordingOrigin, c: CorpusCase): Promise<Verdict> {
  const before = origin.received, refusalsBefore = origin.refusals.length;
  const seen = await probe(port, bytesOf(c.raw));
  await sleep(30); // anything forwarded has landed by now
  return {
    ...seen,
    originBytes: origin.received - before,
    originRefused: origin.refusals.slice(refusalsBefore).join("; ") || null,
  };
}

interface Difference {
  name: string;
  haproxy: string;
  tsproxy: string;
  why: string;
}

function table(rows: Difference[]): string {
  const w = [4, 7, 7].map((min, i) =>
    Math.max(min, ...rows.map((r) => [r.name, r.haproxy, r.tsproxy][i]!.length))
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(" | ");
  return [
    line(["case", "haproxy", "tsproxy", "justification"]),
    line(w.map((n) => "-".repeat(n)).concat("-------------")),
    ...rows.map((r) => line([r.name, r.haproxy, r.tsproxy, r.why])),
  ].join("\n");
}

test(
  `the corpus (${corpus.length} raw requests) through haproxy and tsproxy (YAML, imported .cfg): every verdict difference is justified`,
  async () => {
    // No skipping: scripts/setup.sh installs haproxy; without it this check has not been made.
    assert.ok(haproxyAvailable(), `${HAPROXY_BIN} is not installed (apt-get install haproxy)`);
    const hOrigin = await recordingOrigin();
    const tOrigin = await recordingOrigin();
    const iOrigin = await recordingOrigin();
    const haproxy = await startHaproxy(hOrigin.port);
    const tsproxy = await startProxy("bun", tsproxyConfig(tOrigin.port));
    // tsproxy on haproxy's own haproxy.cfg imported, beside the hand-written YAML
    const imported = await startImported(1, ([p]) => haproxyConfig(p!, iOrigin.port));
    const sides = [
      { name: "YAML", port: tsproxy.ports[0]!, origin: tOrigin, rows: [] as Difference[] },
      {
        name: "imported haproxy.cfg",
        port: imported.port,
        origin: iOrigin,
        rows: [] as Difference[],
      },
    ];
    const forwardedMalformed: string[] = [];
    try {
      for (const c of corpus) {
        const [h, ...ts] = await Promise.all([
          verdictOf(haproxy.port, hOrigin, c),
          ...sides.map((side) => verdictOf(side.port, side.origin, c)),
        ]);
        const hs = shown(h!);
        for (const [k, side] of sides.entries()) {
          const t = ts[k]!;
          if (t.originRefused) {
            forwardedMalformed.push(`${side.name}: ${c.name}: ${t.originRefused}`);
          }
          const tss = shown(t);
          if (VERBOSE) {
            console.log(`${c.name} | ${hs} ${h!.originRefused ?? ""} | ${side.name}: ${tss}`);
          }
          if (hs !== tss) {
            const note = h!.originRefused ? ` [haproxy forwarded: ${h!.originRefused}]` : "";
            side.rows.push({
              name: c.name,
              haproxy: hs + note,
              tsproxy: tss,
              why: justified[c.name] ?? "(UNJUSTIFIED)",
            });
          }
        }
      }
      assert.deepEqual(forwardedMalformed, [], "tsproxy forwarded requests its own codec refuses");
      for (const { name, rows } of sides) {
        console.log(
          `\n${haproxy.version}\ntsproxy on the ${name}: ${rows.length} of ${corpus.length} corpus ` +
            `verdicts differ (statuses the client got; "+origin": bytes reached the origin):\n` +
            `${table(rows)}\n`,
        );
        const unjustified = rows.filter((r) => !(r.name in justified)).map((r) =>
          `${r.name}: haproxy ${r.haproxy}, tsproxy ${r.tsproxy}`
        );
        assert.deepEqual(unjustified, [], `${name}: differences to fix or to justify`);
        const names = new Set(corpus.map((c) => c.name));
        const stale = Object.keys(justified).filter((n) =>
          !names.has(n) || (!rows.some((r) => r.name === n) && !HAPROXY_VARIES.has(n))
        );
        assert.deepEqual(
          stale,
          [],
          `${name}: justified entries that no longer differ (or name no case)`,
        );
      }
    } finally {
      await tsproxy.stop();
      await imported.stop();
      await haproxy.stop();
      await iOrigin.close();
      await tOrigin.close();
      await hOrigin.close();
    }
  },
);
