/** TLS client connections on node:tls (both runtimes): verification, SNI, ALPN, client certificate, session reuse. */
import { isIP } from "node:net";
import tls from "node:tls";
import { NodeTlsSocket, type PauseMode, tlsInfoOf } from "./node_tls.ts";
import { ConnectError, type Socket, type TlsConnectOptions } from "./types.ts";

/** Error codes meaning the TCP connection itself failed, before any TLS byte. */
const TCP_ERRORS = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EADDRNOTAVAIL",
  "ConnectionRefused",
]);

/** Connects and completes the handshake; rejects with a ConnectError ("tls" when the handshake failed). */
export function connectNodeTls(
  o: TlsConnectOptions,
  pauseMode: PauseMode = "stream",
): Promise<Socket> {
  const t = o.tls;
  const where = `${o.host}:${o.port}`;
  const name = t.servername && isIP(t.servername) === 0 ? t.servername : undefined;
  const cache = t.sessions;
  return new Promise<Socket>((resolve, reject) => {
    // allowHalfOpen is honoured by both runtimes though @types/node leaves it out here
    const options: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
      host: o.host,
      port: o.port,
      ...(name ? { servername: name } : {}),
      rejectUnauthorized: t.verify === "required",
      // without a name only the chain is checked (HAProxy's verify required without sni)
      ...(name ? {} : { checkServerIdentity: () => undefined }),
      ...(t.ca ? { ca: t.ca } : {}),
      ...(t.alpn?.length ? { ALPNProtocols: [...t.alpn] } : {}),
      ...(t.cert ? { cert: t.cert } : {}),
      ...(t.key ? { key: t.key } : {}),
      ...(cache?.session ? { session: cache.session as Buffer } : {}),
      allowHalfOpen: true,
    };
    const s = tls.connect(options);
    let settled = false, tcpUp = false;
    const timer = o.timeoutMs
      ? setTimeout(() => {
        settled = true;
        s.destroy();
        reject(new ConnectError("timeout", `connect to ${where} timed out after ${o.timeoutMs}ms`));
      }, o.timeoutMs)
      : undefined;
    s.once("connect", () => (tcpUp = true));
    if (cache) s.on("session", (session: Buffer) => (cache.session = session));
    s.once("secureConnect", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.removeListener("error", onError);
      if (o.noDelay !== false) s.setNoDelay(true);
      resolve(new NodeTlsSocket(s, tlsInfoOf(s, false), pauseMode));
    });
    const onError = (err: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      const code = err.code ?? "";
      if (!tcpUp || TCP_ERRORS.has(code)) {
        reject(new ConnectError("refused", `connect to ${where} failed: ${code}`, { cause: err }));
      } else {
        if (cache) cache.session = undefined; // a session that led here is not worth resuming
        reject(
          new ConnectError("tls", `TLS handshake with ${where} failed: ${err.message}`, {
            cause: err,
          }),
        );
      }
    };
    s.on("error", onError);
  });
}
