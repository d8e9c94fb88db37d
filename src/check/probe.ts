/** One health check over the runtime: connect, for HTTP send the request and judge the reply, close. */
import { clientTls, type ServerTls } from "../backend/server_tls.ts";
import { ConnectError, type Runtime, type Socket } from "../runtime/types.ts";
import { checkRequest, evaluateResponse, type HttpCheckSpec, MAX_RESPONSE } from "./http_check.ts";
import {
  connectInfo,
  L4_CONNECTION,
  L4_OK,
  L4_TIMEOUT,
  L6_INVALID,
  L7_TIMEOUT,
  type Verdict,
} from "./verdict.ts";

export interface ProbeOptions {
  host: string;
  port: number;
  /** Give up connecting after this long: "Layer4 timeout". */
  connectTimeout: number;
  /**
   * HTTP only: how long to wait for the verdict once connected ("Layer7 timeout" after it), given
   * the milliseconds connecting took.
   */
  readTimeout: (connectMs: number) => number;
  /** null: a TCP check, passed once the connection opens. */
  http: HttpCheckSpec | null;
  /** Check over TLS (check-ssl): a failed handshake is "Layer6 invalid response". */
  tls?: ServerTls | null;
}

/**
 * Runs one check. Resolves with its verdict, or null once `signal` aborts (the socket, if any, is
 * closed then; a connect still in flight is closed as soon as it opens). Never rejects.
 */
export async function probe(
  runtime: Runtime,
  o: ProbeOptions,
  signal?: AbortSignal,
): Promise<Verdict | null> {
  if (signal?.aborted) return null;
  let socket: Socket;
  const started = Date.now();
  try {
    const target = { host: o.host, port: o.port, timeoutMs: o.connectTimeout };
    socket = await (o.tls
      ? runtime.connectTls({ ...target, tls: clientTls(o.tls, undefined) }) // full handshakes: no resumption
      : runtime.connect(target));
  } catch (err) {
    if (signal?.aborted) return null;
    if (err instanceof ConnectError && err.kind === "timeout") {
      return { ok: false, status: L4_TIMEOUT };
    }
    if (err instanceof ConnectError && err.kind === "tls") {
      return { ok: false, status: L6_INVALID, info: (err as Error).message };
    }
    return { ok: false, status: L4_CONNECTION, info: connectInfo(String((err as Error).message)) };
  }
  if (signal?.aborted) {
    socket.close();
    return null;
  }
  if (o.http === null) {
    socket.close();
    return { ok: true, status: L4_OK };
  }
  const authority = o.host.includes(":") ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
  return exchange(socket, o.http, authority, o.readTimeout(Date.now() - started), signal);
}

/** Sends the HTTP check request and reads until the response decides the check (or time is up). */
function exchange(
  socket: Socket,
  http: HttpCheckSpec,
  authority: string,
  readTimeout: number,
  signal: AbortSignal | undefined,
): Promise<Verdict | null> {
  return new Promise((resolve) => {
    let buf = new Uint8Array(0);
    let settled = false;
    const finish = (v: Verdict | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.close();
      resolve(v);
    };
    const onAbort = () => finish(null);
    const timer = setTimeout(() => finish({ ok: false, status: L7_TIMEOUT }), readTimeout);
    signal?.addEventListener("abort", onAbort, { once: true });
    const judge = (ended: boolean) => {
      if (settled) return;
      const v = evaluateResponse(buf, ended, http);
      if (v !== null) finish(v);
    };
    socket.setHandlers({
      data(chunk) {
        if (settled || buf.length >= MAX_RESPONSE) return;
        const room = MAX_RESPONSE - buf.length;
        const next = new Uint8Array(buf.length + Math.min(room, chunk.length));
        next.set(buf);
        next.set(chunk.subarray(0, room), buf.length);
        buf = next;
        judge(false);
      },
      drain() {},
      end() {
        judge(true);
      },
      close(error) {
        if (error && buf.length === 0) {
          finish({ ok: false, status: L4_CONNECTION, info: connectInfo(error.message) });
        } else judge(true);
      },
    });
    socket.write(checkRequest(http, authority));
  });
}
