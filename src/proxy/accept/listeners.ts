/** Listener ownership: a frontend's bound sockets, kept apart from the Frontend serving them so a later generation takes them over on reload. */
import type {
  HandedSocket,
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
 * The listeners of one frontend. Accepted connections go to the group's target, which `retarget`
 * swaps; a reload builds the next generation's groups from `spares` (the old groups' listeners by
 * bind), so an address whose bind is unchanged keeps its socket and is never closed.
 */
export class ListenerGroup {
  readonly frontend: string;
  readonly bound: BoundAddress[] = [];
  /** The addresses bound by this group (not taken over from an older one). */
  readonly fresh: BoundAddress[] = [];
  #target: AcceptTarget;
  readonly #entries: Entry[] = [];
  /** Listeners taken from an older generation, moved here by `commit()`. */
  readonly #adopted: { entry: Entry; tls: BindTls | undefined }[] = [];

  private constructor(frontend: string, target: AcceptTarget) {
    this.frontend = frontend;
    this.#target = target;
  }

  /**
   * Binds every address; all succeed or none stay open, and the error names the address. With
   * `spares`, a bind whose key is there takes that listener instead (it moves here at `commit()`).
   */
  static async bind(
    runtime: Runtime,
    frontend: string,
    binds: readonly BindSpec[],
    target: AcceptTarget,
    spares?: SpareListeners,
  ): Promise<ListenerGroup> {
    const g = new ListenerGroup(frontend, target);
    try {
      for (const b of binds) {
        const kept = spares?.take(bindKey(b));
        if (kept) g.#adopt(kept, b);
        else await g.#bindOne(runtime, b);
      }
    } catch (err) {
      g.close();
      throw err;
    }
    return g;
  }

  #adopt(entry: Entry, b: BindSpec): void {
    this.#entries.push(entry);
    this.#adopted.push({ entry, tls: b.tls });
    this.bound.push({ ...entry.bound, frontend: this.frontend });
  }

  async #bindOne(runtime: Runtime, b: BindSpec): Promise<void> {
    const proxied = b.acceptProxy === true;
    // a socket handed over by the process this one upgraded is taken rather than bound again
    const fd = runtime.inherited.size > 0 ? runtime.inherited.take(b.host, b.port) : undefined;
    const where = { host: b.host, port: b.port, ...(fd !== undefined && { fd }) };
    // the entry is filled once bound; its `group` says whose target gets the connections
    const e = { key: bindKey(b), group: this as ListenerGroup, spec: b } as Entry;
    let l: Listener;
    let tls: BoundAddress["tls"];
    if (b.tls && proxied) {
      // accept-proxy ssl: a plain listener; TLS starts after the PROXY header (ProxyHeaderWait)
      const acceptor = tlsAcceptor(runtime, { ...where, tls: b.tls.options }, b.tls.where);
      l = await runtime.listen(where, (sock) => e.group.#target.accept(sock, true, acceptor));
      e.tls = { plan: b.tls, listener: acceptor };
      tls = { stack: acceptor.stack, warnings: acceptor.warnings };
    } else if (b.tls) {
      const tl = await runtime.listenTls(
        { ...where, tls: b.tls.options },
        (sock) => e.group.#target.accept(sock, proxied, null),
      );
      e.tls = { plan: b.tls, listener: tl };
      tls = { stack: tl.stack, warnings: tl.warnings };
      l = tl;
    } else {
      l = await runtime.listen(where, (sock) => e.group.#target.accept(sock, proxied, null));
    }
    e.listener = l;
    e.bound = { frontend: this.frontend, host: b.host, port: l.port, ...tls && { tls } };
    this.#entries.push(e);
    this.bound.push(e.bound);
    this.fresh.push(e.bound);
  }

  /**
   * The reload succeeded: the listeners this group took from older groups are its own from now on
   * (their connections come here), and TLS ones offer this generation's certificates. Returns the
   * errors of certificates that could not be set (the listener then keeps its old ones).
   */
  async commit(): Promise<string[]> {
    const errors: string[] = [];
    for (const { entry, tls } of this.#adopted) {
      entry.group = this;
      if (!tls || !entry.tls) continue;
      entry.tls.plan = tls;
      try {
        await entry.tls.listener.setCertificates(tls.options.certificates);
      } catch (err) {
        errors.push(`${tls.where}: ${(err as Error).message}`);
      }
    }
    this.#adopted.length = 0;
    return errors;
  }

  /**
   * The listening sockets this group owns that can be handed to another process (binary upgrade),
   * with their address as configured (the successor's bind of port 0 takes the same socket).
   */
  handover(): HandedSocket[] {
    const out: HandedSocket[] = [];
    for (const e of this.#entries) {
      const fd = e.listener.fd;
      if (e.group === this && !e.closed && fd !== undefined) {
        out.push({ host: e.spec.host, port: e.spec.port, fd });
      }
    }
    return out;
  }

  /** This group's listeners that were not taken by a newer group, by key (see `SpareListeners`). */
  spareEntries(): Entry[] {
    return this.#entries.filter((e) => e.group === this && !e.closed);
  }

  /** Hands connections accepted from now on to another frontend (the next generation's). */
  retarget(target: AcceptTarget): void {
    this.#target = target;
  }

  // a newer group may have taken some of the entries: each acts only on those still its own

  pause(): void {
    for (const e of this.#entries) if (e.group === this) e.listener.pause();
  }

  resume(): void {
    for (const e of this.#entries) if (e.group === this) e.listener.resume();
  }

  /** Closes the listeners this group owns (not those a newer generation took over). */
  close(): void {
    for (const e of this.#entries) if (e.group === this) closeEntry(e);
  }

  /**
   * Reads every TLS bind's certificate files again for new handshakes (SIGHUP). A bind whose files
   * cannot be used keeps its certificates; the errors, one per such bind, are returned.
   */
  async reloadCertificates(): Promise<string[]> {
    const errors: string[] = [];
    for (const e of this.#entries) {
      if (e.group !== this || !e.tls) continue;
      const { plan: tls, listener } = e.tls;
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

/** One bound listener; `group` is the group whose target gets its connections (it may move on reload). */
interface Entry {
  readonly key: string;
  /** The bind as configured (port 0 stays 0). */
  readonly spec: BindSpec;
  group: ListenerGroup;
  listener: Listener;
  bound: BoundAddress;
  tls?: { plan: BindTls; listener: TlsListenerExtras };
  closed?: boolean;
}

function closeEntry(e: Entry): void {
  if (e.closed) return;
  e.closed = true;
  e.listener.close();
}

/**
 * What makes a bind the same across a reload: its address and every setting the socket was made
 * with, except the certificates (a kept TLS listener is given the new ones).
 */
export function bindKey(b: BindSpec): string {
  const t = b.tls?.options;
  const tls = t ? JSON.stringify({ ...t, certificates: undefined }) : "";
  return `${b.host}|${b.port}|${b.acceptProxy === true}|${tls}`;
}

/**
 * The listeners of a running generation, offered to the next one's `ListenerGroup.bind`: a bind
 * with the same key takes one; `closeRest()` closes those no new bind wanted, after the new
 * generation is bound (new addresses are bound before removed ones are closed).
 */
export class SpareListeners {
  readonly #byKey = new Map<string, Entry[]>();

  constructor(groups: readonly ListenerGroup[]) {
    for (const g of groups) {
      for (const e of g.spareEntries()) {
        const list = this.#byKey.get(e.key);
        if (list) list.push(e);
        else this.#byKey.set(e.key, [e]);
      }
    }
  }

  take(key: string): Entry | undefined {
    return this.#byKey.get(key)?.shift();
  }

  /** The addresses of the listeners nobody took ("127.0.0.1:8080"), closed now. */
  closeRest(): string[] {
    const closed: string[] = [];
    for (const list of this.#byKey.values()) {
      for (const e of list) {
        closed.push(`${e.bound.frontend} ${e.bound.host}:${e.bound.port}`);
        closeEntry(e);
      }
    }
    this.#byKey.clear();
    return closed;
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
