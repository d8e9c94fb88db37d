/** TLS client connections on node:tls (both runtimes): verification, SNI, ALPN, client certificate, session reuse, a preamble in clear. */
import { isIP } from "node:net";
import tls from "node:tls";
import { NodeTlsSocket, type PauseMode, tlsInfoOf } from "./node_tls.ts";
import { SocketDuplex } from "./socket_duplex.ts";
import { ConnectError, type ConnectOptions, type Socket, type TlsConnectOptions } from "./types.ts";

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

/** node:tls's options for a connection to `o`'s server (the socket itself aside). */
function connectionOptions(
  o: TlsConnectOptions,
): tls.ConnectionOptions & { allowHalfOpen: boolean } {
  const t = o.tls;
  const name = t.servername && isIP(t.servername) === 0 ? t.servername : undefined;
  const cache = t.sessions;
  // allowHalfOpen is honoured by both runtimes though @types/node leaves it out here
  return {
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
}

/**
 * Connects and completes the handshake; rejects with a ConnectError ("tls" when the handshake
 * failed). With `o.preamble` the TCP connection is opened by `plain` (the runtime's connect), the
 * preamble written in clear, and the handshake run over that connection.
 */
export function connectNodeTls(
  o: TlsConnectOptions,
  pauseMode: PauseMode = "stream",
  plain?: (o: ConnectOptions) => Promise<Socket>,
): Promise<Socket> {
  if (o.preamble && plain) return connectAfterPreamble(o, o.preamble, pauseMode, plain);
  const s = tls.connect({ host: o.host, port: o.port, ...connectionOptions(o) });
  return handshake(s, o, pauseMode, o.timeoutMs, null);
}

async function connectAfterPreamble(
  o: TlsConnectOptions,
  preamble: Uint8Array,
  pauseMode: PauseMode,
  plain: (o: ConnectOptions) => Promise<Socket>,
): Promise<Socket> {
  const started = Date.now();
  const raw = await plain({
    host: o.host,
    port: o.port,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.noDelay === undefined ? {} : { noDelay: o.noDelay }),
  }); // its ConnectError ("refused", "timeout") is ours
  raw.write(preamble);
  const s = tls.connect({ socket: new SocketDuplex(raw), ...connectionOptions(o) });
  const left = o.timeoutMs ? Math.max(1, o.timeoutMs - (Date.now() - started)) : undefined;
  return handshake(s, o, pauseMode, left, raw);
}

/** Waits for `s`'s handshake; `raw`: the connection it runs over when the runtime opened it. */
function handshake(
  s: tls.TLSSocket,
  o: TlsConnectOptions,
  pauseMode: PauseMode,
  timeoutMs: number | undefined,
  raw: Socket | null,
): Promise<Socket> {
  const where = `${o.host}:${o.port}`;
  const cache = o.tls.sessions;
  return new Promise<Socket>((resolve, reject) => {
    let settled = false, tcpUp = raw !== null;
    const timer = timeoutMs
      ? setTimeout(() => {
        settled = true;
        s.destroy();
        raw?.close();
        reject(new ConnectError("timeout", `connect to ${where} timed out after ${o.timeoutMs}ms`));
      }, timeoutMs)
      : undefined;
    if (raw) s.once("close", () => raw.close());
    else s.once("connect", () => (tcpUp = true));
    if (cache) s.on("session", (session: Buffer) => (cache.session = session));
    s.once("secureConnect", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.removeListener("error", onError);
      if (raw) return resolve(new NodeTlsSocket(s, tlsInfoOf(s, false), pauseMode, raw));
      if (o.noDelay !== false) s.setNoDelay(true);
      resolve(new NodeTlsSocket(s, tlsInfoOf(s, false), pauseMode));
    });
    const onError = (err: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      raw?.close();
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
    // the server closed before the handshake ended (no error event on every runtime)
    if (raw) s.once("close", () => onError(new Error("the connection closed")));
  });
}
