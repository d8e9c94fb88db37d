/**
 * A flood of HTTP GETs from one source address, run as its own process so its load does not slow
 * the test's measuring clients: `bun flood_client.ts PORT SRC MS CONNS RATE`. Each of CONNS loops
 * sends a request, reads the answer, and goes on on the same connection while it stays open (an
 * answer with `connection: close` ends it: a new one is made); all loops together stay under RATE
 * requests per second.
 * Prints one JSON line: { sent, ok, denied, other, errors, ms }.
 */
import net from "node:net";
import process from "node:process";

const [port, src, ms, conns, rate] = process.argv.slice(2);
const PORT = Number(port), MS = Number(ms), CONNS = Number(conns), RATE = Number(rate);
const REQUEST = "GET /flood HTTP/1.1\r\nHost: flood\r\n\r\n";
const counts = { sent: 0, ok: 0, denied: 0, other: 0, errors: 0, ms: 0 };
const start = Date.now(), end = start + MS;

/** Waits until sending one more keeps the rate since the start under RATE. */
async function pace(): Promise<void> {
  for (;;) {
    const allowed = ((Date.now() - start) / 1000) * RATE;
    if (counts.sent < allowed) return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** The status of each complete response in `buf`, the bytes they used, and whether the last closes. */
function responses(buf: Buffer): { statuses: number[]; used: number; closes: boolean } {
  const statuses: number[] = [];
  let closes = false;
  let at = 0;
  for (;;) {
    const headEnd = buf.indexOf("\r\n\r\n", at);
    if (headEnd < 0) break;
    const head = buf.subarray(at, headEnd).toString("latin1");
    const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (buf.length < headEnd + 4 + len) break;
    statuses.push(Number(head.slice(9, 12)));
    closes = /\r\nconnection:\s*close/i.test(head);
    at = headEnd + 4 + len;
  }
  return { statuses, used: at, closes };
}

/** One loop: a connection that carries requests one at a time until it closes; then a new one. */
async function loop(): Promise<void> {
  while (Date.now() < end) {
    await new Promise<void>((done) => {
      const sock = net.connect({ host: "127.0.0.1", port: PORT, localAddress: src });
      let buf: Buffer = Buffer.alloc(0);
      const next = async () => {
        if (Date.now() >= end) return sock.destroy();
        await pace();
        counts.sent++;
        sock.write(REQUEST);
      };
      sock.on("connect", next);
      sock.on("data", (d: Buffer) => {
        buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
        const r = responses(buf);
        buf = buf.subarray(r.used);
        for (const s of r.statuses) {
          if (s === 200) counts.ok++;
          else if (s === 429) counts.denied++;
          else counts.other++;
        }
        if (r.statuses.length === 0) return;
        // an answer with connection: close: the next request goes on a new connection
        if (r.closes) sock.end();
        else void next();
      });
      sock.on("error", () => counts.errors++);
      sock.on("close", () => done());
    });
  }
}

await Promise.all(Array.from({ length: CONNS }, loop));
counts.ms = Date.now() - start;
console.log(JSON.stringify(counts));
