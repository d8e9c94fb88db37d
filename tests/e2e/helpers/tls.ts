/** TLS helpers for end-to-end tests: openssl s_client runs parsed, and an HTTPS origin reporting the SNI and ALPN it saw. */
import { spawn } from "node:child_process";
import tls from "node:tls";
import type { Origin } from "./net.ts";

export interface SClientResult {
  /** The handshake completed (s_client printed a cipher other than "(NONE)"). */
  readonly ok: boolean;
  /** The protocol it agreed on ("TLSv1.3"), when it did. */
  readonly protocol?: string | undefined;
  /** The CN of the certificate the server sent. */
  readonly cn?: string | undefined;
  readonly alpn?: string | undefined;
  /** Everything s_client printed (stdout and stderr). */
  readonly out: string;
}

/**
 * Runs `openssl s_client -connect 127.0.0.1:PORT ARGS` with nothing on stdin (as `</dev/null`),
 * killed after `timeoutMs`. `-servername NAME` / `-noservername` come with the args.
 */
export function sClient(port: number, args: string[], timeoutMs = 10_000): Promise<SClientResult> {
  return new Promise((resolve, reject) => {
    const p = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("error", reject);
    p.on("close", () => {
      clearTimeout(timer);
      const session = /New, (TLSv[\d.]+|SSLv3), Cipher is (\S+)/.exec(out);
      const ok = session !== null && session[2] !== "(NONE)";
      resolve({
        ok,
        // "New, TLSv1.0, ..." names the cipher's version; the session block has the protocol
        protocol: ok ? /^\s*Protocol\s*: (\S+)/m.exec(out)?.[1] : undefined,
        cn: /^subject=.*?CN ?= ?([^,\n]+)/m.exec(out)?.[1]?.trim(),
        alpn: /^ALPN protocol: (\S+)/m.exec(out)?.[1],
        out,
      });
    });
    p.stdin.on("error", () => {});
    p.stdin.end();
  });
}

export interface TlsOrigin extends Origin {
  /** The server names (SNI) of the connections so far, "" for none. */
  readonly names: string[];
}

/**
 * An HTTPS/1.1 origin on 127.0.0.1: answers every request 200 with a body naming the SNI, ALPN and
 * client certificate CN it saw. `requestCert` + `ca`: it demands a client certificate.
 */
export function tlsOrigin(
  o: { cert: string; key: string; ca?: string; requestCert?: boolean },
): Promise<TlsOrigin> {
  let accepted = 0, open = 0;
  const names: string[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({
    cert: o.cert,
    key: o.key,
    ALPNProtocols: ["http/1.1"],
    ...(o.requestCert ? { requestCert: true, rejectUnauthorized: true, ca: o.ca } : {}),
  }, (s) => {
    accepted++;
    open++;
    sockets.add(s);
    const sni = typeof s.servername === "string" ? s.servername : "";
    names.push(sni);
    s.on("error", () => {});
    s.on("close", () => {
      open--;
      sockets.delete(s);
    });
    let buf = "";
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      let end: number;
      while ((end = buf.indexOf("\r\n\r\n")) >= 0) {
        buf = buf.slice(end + 4);
        const cn = s.getPeerCertificate()?.subject?.CN ?? "";
        const body = `sni=${sni} alpn=${s.alpnProtocol || ""} client=${cn}`;
        s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      }
    });
  });
  server.on("tlsClientError", () => {});
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve({
        port: typeof addr === "object" && addr ? addr.port : 0,
        names,
        get accepted() {
          return accepted;
        },
        get open() {
          return open;
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
