/** Listener ownership: a frontend's bound sockets, kept apart from the Frontend serving them so a later generation can take them over. */
import type {
  Listener,
  Runtime,
  Socket,
  TlsAcceptor,
  TlsCertificate,
  TlsListenerExtras,
  TlsServerOptions,
  TlsStack,
} from "../../runtime/types.ts";

/** A TLS bind in the plan: what the listener starts with, and how to read its certificates again. */
export interface BindTls {
  readonly options: TlsServerOptions;
  /** "frontend web bind[0]", for messages. */
  readonly where: string;
  /** Reads the certificate files again; throws naming the file when one cannot be used. */
  reload(): TlsCertificate[];
}

/** One address a frontend listens on. */
export interface BindSpec {
  host: string;
  port: number;
  /** Every connection starts with a PROXY protocol header (v1 or v2). */
  acceptProxy?: boolean;
  /** TLS termination (certificates loaded, and how to load them again). */
  tls?: BindTls;
}

/** A bound address, with the port the OS chose where 0 was asked. */
export interface BoundAddress {
  frontend: string;
  host: string;
  port: number;
  /** On TLS binds: the stack serving it, and settings it cannot honour. */
  tls?: { stack: TlsStack; warnings: readonly string[] };
}

/** Where accepted connections go: the frontend of the generation that owns the group now. */
export interface AcceptTarget {
  accept(sock: Socket, acceptProxy: boolean, tls: TlsAcceptor | null): void;
}

/**
 * The listeners of one frontend. Accepted connections go to `target`, which `retarget` swaps, so a
 * reload can keep the sockets open and hand new connections to the next generation's frontend.
 */
export class ListenerGroup {
  readonly frontend: string;
  readonly bound: BoundAddress[] = [];
  #target: AcceptTarget;
  readonly #listeners: Listener[] = [];
  readonly #tls: { plan: BindTls; listener: TlsListenerExtras }[] = [];

  private constructor(frontend: string, target: AcceptTarget) {
    this.frontend = frontend;
    this.#target = target;
  }

  /** Binds every address; all succeed or none stay open, and the error names the address. */
  static async bind(
    runtime: Runtime,
    frontend: string,
    binds: readonly BindSpec[],
    target: AcceptTarget,
  ): Promise<ListenerGroup> {
    const g = new ListenerGroup(frontend, target);
    try {
      for (const b of binds) await g.#bindOne(runtime, b);
    } catch (err) {
      g.close();
      throw err;
    }
    return g;
  }

  async #bindOne(runtime: Runtime, b: BindSpec): Promise<void> {
    const proxied = b.acceptProxy === true;
    const where = { host: b.host, port: b.port };
    let l: Listener;
    let tls: BoundAddress["tls"];
    if (b.tls && proxied) {
      // accept-proxy ssl: a plain listener; TLS starts after the PROXY header (ProxyHeaderWait)
      const acceptor = tlsAcceptor(runtime, { ...where, tls: b.tls.options }, b.tls.where);
      l = await runtime.listen(where, (sock) => this.#target.accept(sock, true, acceptor));
      this.#tls.push({ plan: b.tls, listener: acceptor });
      tls = { stack: acceptor.stack, warnings: acceptor.warnings };
    } else if (b.tls) {
      const tl = await runtime.listenTls(
        { ...where, tls: b.tls.options },
        (sock) => this.#target.accept(sock, proxied, null),
      );
      this.#tls.push({ plan: b.tls, listener: tl });
      tls = { stack: tl.stack, warnings: tl.warnings };
      l = tl;
    } else {
      l = await runtime.listen(where, (sock) => this.#target.accept(sock, proxied, null));
    }
    this.#listeners.push(l);
    this.bound.push({ frontend: this.frontend, host: b.host, port: l.port, ...tls && { tls } });
  }

  /** Hands connections accepted from now on to another frontend (the next generation's). */
  retarget(target: AcceptTarget): void {
    this.#target = target;
  }

  pause(): void {
    for (const l of this.#listeners) l.pause();
  }

  resume(): void {
    for (const l of this.#listeners) l.resume();
  }

  close(): void {
    for (const l of this.#listeners) l.close();
  }

  /**
   * Reads every TLS bind's certificate files again for new handshakes (SIGHUP). A bind whose files
   * cannot be used keeps its certificates; the errors, one per such bind, are returned.
   */
  async reloadCertificates(): Promise<string[]> {
    const errors: string[] = [];
    for (const { plan: tls, listener } of this.#tls) {
      let certificates;
      try {
        certificates = tls.reload(); // its errors name the bind already
      } catch (err) {
        errors.push((err as Error).message);
        continue;
      }
      try {
        await listener.setCertificates(certificates);
      } catch (err) {
        errors.push(`${tls.where}: ${(err as Error).message}`);
      }
    }
    return errors;
  }
}

/** The runtime's acceptor for an acceptProxy + tls bind; its refusal names the bind. */
function tlsAcceptor(
  runtime: Runtime,
  options: Parameters<Runtime["tlsAcceptor"]>[0],
  where: string,
): TlsAcceptor {
  try {
    return runtime.tlsAcceptor(options);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
  }
}
