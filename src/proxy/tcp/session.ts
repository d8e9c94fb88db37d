/** One client connection in TCP mode, through its phases: accept → tcp-request content rules (inspection) → choose backend → connect → forward → log. */
import type { Backend } from "../../backend/backend.ts";
import { connectToBackend } from "../../backend/connect.ts";
import type { Server } from "../../backend/server.ts";
import { chooseBackend, evaluateTcpRules, type SampleContext } from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import { type Failure, NORMAL } from "../../failure/failure.ts";
import { appendPayload, EMPTY, ENDS } from "./ends.ts";
import { StickStores } from "../../stick/persist.ts";
import type { TcpRules } from "../../rules/actions/tcp.ts";
import { backendSample } from "../session/backend_sample.ts";
import { connectionContext } from "../session/l4_context.ts";
import { proxyHeaderFor } from "../session/proxy_out.ts";
import { SessionTimer } from "../session/timer.ts";
import { tcplogRecord } from "./log.ts";
import { countFailure } from "../session/failure_counts.ts";
import { resetOrClose } from "../session/reset.ts";
import type { SessionOwner } from "./owner.ts";
import { now } from "../../runtime/clock.ts";

export class TcpSession {
  readonly client: Socket;
  backend: Backend; // the owner's default until chosen (after content inspection)
  readonly acceptedAt = now();
  server: Server | null = null;
  retries = 0; // connect attempts beyond the first
  bytesFromClient = 0;
  bytesFromServer = 0;
  /** HAProxy's termination state, "--" until the session ends otherwise. */
  termination = NORMAL;
  /** The phase a failure ended it in (the log's `phase`); null while it ends normally. */
  endPhase: string | null = null;
  connectMs = -1;
  queueMs = 0; // time spent in the backend's queue (Tw)
  #owner: SessionOwner;
  #srv: Socket | null = null;
  #early: Uint8Array[] = [];
  #clientEnded = false;
  #serverEnded = false;
  #closing = false;
  #done = false;
  #timer: SessionTimer;
  /** The rules' view of the connection; null when the frontend has no rules. */
  #ctx: SampleContext | null;
  #inspecting = false; // tcp-request content rules wait for bytes
  #rule = 0; // the next content rule to run (one that missed runs again when bytes come)
  /** The content rules inspecting: the frontend's, then the chosen backend's. */
  #rules: TcpRules | null = null;

  constructor(owner: SessionOwner, client: Socket, ctx: SampleContext | null = null) {
    this.#owner = owner;
    this.client = client;
    this.backend = owner.backend;
    this.#ctx = ctx;
    this.#timer = new SessionTimer((kind) => {
      if (kind === "inspect-delay") return this.#inspectionOver();
      this.#finish(kind === "client" ? ENDS.clientTimeout : ENDS.serverTimeout);
    });
  }

  /** Phase "accept": take the client's events, then inspect the payload or go on to connect. */
  start(): void {
    this.client.setHandlers({
      data: (chunk) => this.#onClientData(chunk),
      drain: () => this.#onClientDrain(),
      end: () => this.#onClientEnd(),
      close: (err) => this.#onClientClose(err),
    });
    const tcp = this.#owner.rules?.tcp;
    if (tcp && tcp.content.length > 0) return this.#startInspecting(tcp);
    this.#route();
  }

  /** Content inspection by `tcp` (the frontend's, or the backend's on the bytes buffered so far). */
  #startInspecting(tcp: TcpRules): void {
    const ctx = this.#ctx ??= connectionContext(this.client, this.#owner);
    this.#rules = tcp;
    this.#rule = 0;
    this.#inspecting = true;
    ctx.waitEnd = false;
    ctx.payload ??= EMPTY;
    ctx.final = tcp.inspectDelay === 0 || this.#clientEnded ||
      ctx.payload.length >= this.#owner.inspectBuffer;
    if (tcp.inspectDelay > 0) this.#timer.fixed("inspect-delay", tcp.inspectDelay);
    this.client.resume(); // paused after the frontend's rules decided
    this.#inspect();
  }

  /** Phase "tcp-request content rules": run them on the bytes so far; a miss waits for more. */
  #inspect(): void {
    const ctx = this.#ctx!;
    const r = evaluateTcpRules(this.#rules!.content, ctx, this.#rule);
    this.#rule = r.at;
    if (r.verdict === "wait") return;
    this.#inspecting = false;
    this.#timer.stop();
    const drop = r.verdict === "silent-drop";
    if (r.verdict === "reject" || drop) return this.#finish(ENDS.rejected, drop);
    if (this.#srv === null) this.client.pause();
    if (this.#rules === this.#owner.rules?.tcp) this.#route();
    else this.#connect();
  }

  /** The inspect delay ran out: the rules decide on what they have. */
  #inspectionOver(): void {
    if (!this.#inspecting) return;
    this.#ctx!.waitEnd = true;
    this.#ctx!.final = true;
    this.#inspect();
  }

  /** Phase "choose backend": the first useBackend rule that matches, else the default; then connect. */
  #route(): void {
    const rules = this.#owner.rules?.backends;
    if (rules && rules.length > 0) {
      const ctx = this.#ctx ??= connectionContext(this.client, this.#owner);
      ctx.final = true;
      const name = chooseBackend(rules, ctx);
      if (name !== undefined) this.backend = this.#owner.backendNamed(name) ?? this.backend;
      ctx.beName = this.backend.name;
      ctx.backend = backendSample(this.backend);
    }
    const own = this.#owner.backendRules(this.backend.name)?.tcp;
    if (!own) return void this.#connect();
    this.#sampleContext();
    this.#startInspecting(own); // the backend's tcp-request content rules
  }

  /** Phase "connect": a stick match's server or a pick, then the next one, `retries` more times. */
  async #connect(): Promise<void> {
    const client = this.client, be = this.backend;
    this.#timer.idle(this.#owner.clientTimeout, be.serverTimeout);
    const stores = be.stick === null ? null : new StickStores();
    const first = stores && be.stickServer(this.#sampleContext(), false, stores);
    const r = await connectToBackend(this.#owner.runtime, be, () => this.#done, first, {
      src: client.remoteAddress,
      hello: (srv) => proxyHeaderFor(srv.proxyProtocol, client), // a TLS server's, before TLS
      sample: () => this.#sampleContext(),
    });
    this.retries = r.retries;
    this.queueMs = r.queueMs;
    this.connectMs = r.ms - r.queueMs;
    if (this.#done) return;
    if (!r.ok) return this.#finish(r.failure);
    if (stores !== null) be.stick!.store(stores, r.server.id); // store-request: the server that took it
    this.server = r.server;
    this.#attach(r.socket);
  }

  /** The rules' view of the connection with the backend chosen (a server's sni expression reads it). */
  #sampleContext(): SampleContext {
    const ctx = this.#ctx ??= connectionContext(this.client, this.#owner);
    ctx.beName = this.backend.name;
    ctx.backend ??= backendSample(this.backend);
    return ctx;
  }

  /** Phase "forward": splice both directions with backpressure and half-close. */
  #attach(sock: Socket): void {
    this.#srv = sock;
    this.backend.opened(this.server!);
    sock.setHandlers({
      data: (chunk) => this.#onServerData(chunk),
      drain: () => this.#onServerDrain(),
      end: () => this.#onServerEnd(),
      close: (err) => this.#onServerClose(err),
    });
    // send-proxy: first (a TLS server's went before the handshake)
    const hello = this.server!.tls ? null : proxyHeaderFor(this.server!.proxyProtocol, this.client);
    if (hello !== null) sock.write(hello);
    for (const chunk of this.#early) sock.write(chunk);
    this.#early.length = 0;
    if (this.#clientEnded) sock.shutdown();
    else this.client.resume();
  }

  #onClientData(chunk: Uint8Array): void {
    this.#timer.touchClient();
    this.bytesFromClient += chunk.length;
    const srv = this.#srv;
    if (srv !== null) {
      if (!srv.write(chunk)) this.client.pause();
      return;
    }
    this.#early.push(chunk);
    if (!this.#inspecting) return this.client.pause();
    // a full buffer is final: nothing more will come before a decision
    if (appendPayload(this.#ctx!, chunk, this.#owner.inspectBuffer)) this.client.pause();
    this.#inspect();
  }

  #onServerData(chunk: Uint8Array): void {
    this.#timer.touchServer();
    this.bytesFromServer += chunk.length;
    if (!this.client.write(chunk)) this.#srv!.pause();
  }

  #onClientDrain(): void {
    this.#timer.touchClient();
    if (this.#closing) this.#finishIfFlushed();
    else if (!this.#serverEnded) this.#srv?.resume();
  }

  #onServerDrain(): void {
    this.#timer.touchServer();
    if (this.#closing) this.#finishIfFlushed();
    else if (!this.#clientEnded) this.client.resume();
  }

  #onClientEnd(): void {
    this.#clientEnded = true;
    if (this.#inspecting) {
      this.#ctx!.final = true;
      this.#inspect();
      if (this.#done) return;
    }
    if (this.#srv) this.#srv.shutdown();
    if (this.#serverEnded) this.#closeGracefully();
  }

  #onServerEnd(): void {
    this.#serverEnded = true;
    this.client.shutdown();
    if (this.#clientEnded) this.#closeGracefully();
  }

  #onClientClose(err?: Error): void {
    if (this.#done) return;
    if (this.#srv === null) return this.#finish(ENDS.clientGoneEarly);
    if (err || !this.#clientEnded) return this.#finish(ENDS.clientAbort);
    this.#closeGracefully();
  }

  #onServerClose(err?: Error): void {
    if (this.#done) return;
    if (err || !this.#serverEnded) {
      if (this.client.pending > 0 && !err) {
        this.#serverEnded = true;
        this.client.shutdown();
        return this.#closeGracefully();
      }
      return this.#finish(ENDS.serverAbort);
    }
    this.#closeGracefully();
  }

  /** Both directions are over: close once everything queued on either side is written. */
  #closeGracefully(): void {
    this.#closing = true;
    this.#finishIfFlushed();
  }

  #finishIfFlushed(): void {
    const srv = this.#srv;
    if (this.client.pending === 0 && (srv === null || srv.pending === 0)) this.#finish(null);
  }

  /** Ends the session from outside (hard stop): counted as killed by the proxy. */
  kill(): void {
    this.#finish(ENDS.killed);
  }

  /** This session while it uses a connection to `server` (shutdown sessions, on-marked cuts). */
  onServer(server: Server): this | null {
    return this.#srv !== null && !this.#done && this.server?.lineage === server.lineage
      ? this
      : null;
  }

  /** Its server went DOWN ("DD", on-marked-down) or an active one came UP ("UD", on-marked-up). */
  serverShutdown(why: "D" | "U" | "K"): void {
    this.#finish(why === "D" ? ENDS.serverDown : why === "U" ? ENDS.serverUp : ENDS.killed);
  }

  /** Phase "log": close what is open (`reset`: silent-drop), count, report once; `f` null: normal. */
  #finish(f: Failure | null, reset = false): void {
    if (this.#done) return;
    this.#done = true;
    if (f !== null) {
      this.termination = f.termination;
      this.endPhase = f.phase;
      countFailure(f, this.#owner.counters, this.backend, this.server);
    }
    this.#owner.counters.bin += this.bytesFromClient;
    this.#owner.counters.bout += this.bytesFromServer;
    this.#timer.stop();
    reset ? resetOrClose(this.client) : this.client.close();
    if (this.#srv) {
      this.#srv.close();
      this.backend.closed(this.server!);
      this.backend.countBytes(this.server, this.bytesFromClient, this.bytesFromServer);
    }
    const tr = this.#ctx?.stick?.tracker; // what content rules tracked: bytes, conn_cur released
    if (tr) tr.end(0, f !== null, this.bytesFromClient, this.bytesFromServer);
    if (this.#owner.logsAccess) this.#owner.logAccess(tcplogRecord(this, this.#owner));
    this.#owner.release(this);
  }
}
