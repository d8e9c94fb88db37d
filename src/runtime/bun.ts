/** Bun implementation of the runtime interface: Bun.listen/Bun.connect with their native callbacks. */
import process from "node:process";
import { listenBunUnix } from "./bun_unix.ts";
import type { BunApi, BunSocket } from "./bun_api.ts";
import { boundPort } from "./bun_port.ts";
import { inheritedFromEnv } from "./inherited.ts";
import { startBunSuccessor, tellBunParentReady } from "./bun_successor.ts";
import { holdBunListening, startBunWorker } from "./bun_workers.ts";
import { runBunSelf } from "./bun_self.ts";
import { trimStartupPages } from "./bun_trim.ts";
import { restartWithJscRam } from "./bun_jsc_ram.ts";
import { parentChannel } from "./parent_channel.ts";
import { BunListener, type BunSock, clientHandler } from "./bun_socket.ts";
import { bunConnectWith } from "./bun_connect.ts";
import {
  type ConnectOptions,
  type Listener,
  type ListenOptions,
  type Runtime,
  type SignalName,
  type Socket,
  type TlsAcceptor,
  type TlsConnectOptions,
  type TlsListener,
  type TlsListenOptions,
} from "./types.ts";
import { connectNodeTls } from "./node_tls_connect.ts";
import { listenNodeTls } from "./node_tls_listen.ts";
import { nodeTlsAcceptor } from "./node_tls_accept.ts";
import { bunNativeServes, listenBunTls } from "./bun_tls.ts";

declare const Bun: BunApi;

/** TSPROXY_TLS_STACK=node: serve every TLS listener with node:tls (to compare the stacks). */
const TLS_STACK = process.env.TSPROXY_TLS_STACK;

/** The Bun runtime adapter. */
export const bunRuntime: Runtime = {
  name: "bun",
  version: Bun.version,

  listen(options: ListenOptions, onOpen: (socket: Socket) => void): Promise<Listener> {
    const listener = new BunListener(options.host, onOpen);
    const socket = { ...clientHandler, open: (s: BunSocket<BunSock>) => listener.accept(s) };
    try {
      const l = options.fd !== undefined
        ? Bun.listen<BunSock>({ fd: options.fd, allowHalfOpen: true, socket })
        : Bun.listen<BunSock>({
          hostname: options.host,
          port: options.port,
          allowHalfOpen: true,
          ...(options.reusePort ? { reusePort: true } : {}),
          socket,
        });
      listener.port = boundPort(l);
      listener.fd = l.fd;
      listener.stopFn = () => l.stop(false);
      return Promise.resolve(listener);
    } catch (err) {
      const why = (err as { code?: string }).code ??
        (err instanceof Error ? err.message : String(err));
      return Promise.reject(new Error(`cannot bind ${options.host}:${options.port}: ${why}`));
    }
  },

  connect(options: ConnectOptions): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      bunConnectWith(options, (err, socket) => err ? reject(err) : resolve(socket!));
    });
  },

  connectWith: bunConnectWith,

  listenUnix: listenBunUnix,

  listenTls(options: TlsListenOptions, onOpen: (socket: Socket) => void): Promise<TlsListener> {
    if (bunNativeServes(options.tls) && TLS_STACK !== "node") return listenBunTls(options, onOpen);
    return listenNodeTls(options, onOpen);
  },

  tlsAcceptor(options: TlsListenOptions): TlsAcceptor {
    return nodeTlsAcceptor(options.tls);
  },

  connectTls(options: TlsConnectOptions): Promise<Socket> {
    return connectNodeTls(options, "stream", (o) => bunRuntime.connect(o));
  },

  onSignal(signal: SignalName, handler: () => void): () => void {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },

  inherited: inheritedFromEnv(),
  startSuccessor: startBunSuccessor,
  tellParentReady: tellBunParentReady,
  trimStartup: trimStartupPages,
  restartTuned: restartWithJscRam,
  holdListening: (host, port) => holdBunListening(host, port, bunRuntime.inherited),
  startWorker: startBunWorker,
  runSelf: runBunSelf,
  parent: parentChannel(),
};
