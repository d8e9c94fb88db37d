/** A master process: N workers accepting on the listening sockets it holds; it restarts the dead (with backoff), relays reloads, commands and signals, and stops them all. */
import { getLogger } from "@logtape/logtape";
import type { HandedSocket, Runtime, WorkerProcess } from "../runtime/types.ts";
import type { ForwardMessage, ToWorker, WorkerRequest } from "./messages.ts";
import { WorkerSlot } from "./worker_slot.ts";

const log = getLogger(["tsproxy", "master"]);

/** The variable telling a process it is worker number N of a master. */
export const WORKER_ENV = "TSPROXY_WORKER";

/** Who a forwarded command runs as. */
export type Level = ForwardMessage["level"];

export interface MasterOptions {
  readonly workers: number;
  /** The listening sockets every worker gets (fds 3, 4, ...). */
  readonly sockets: readonly HandedSocket[];
  /** A worker asks for a command line to run on every worker (its admin API got it). */
  readonly onForward: (line: string, who: string, level: Level) => Promise<string>;
  /** Delay before restarting a worker that died after living `youngMs` or more (default 0). */
  readonly firstDelayMs?: number;
  /** The longest delay between restarts of a worker that keeps dying young (default 10 s). */
  readonly maxDelayMs?: number;
  /** A worker that dies younger than this is restarted later each time (default 10 s). */
  readonly youngMs?: number;
  /** How long a worker may take to say it serves at start (default 30 s). */
  readonly readyWithinMs?: number;
}

/** One worker as `workers` lists it. */
export interface WorkerInfo {
  readonly index: number;
  readonly pid: number | null;
  readonly ready: boolean;
  readonly restarts: number;
}

/** The workers of this process and what it does with them. */
export class Master {
  readonly #runtime: Runtime;
  readonly #o: MasterOptions;
  readonly #slots: WorkerSlot[];
  readonly #restarts: number[];
  #started = false;
  #stopping = false;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(runtime: Runtime, options: MasterOptions) {
    if (!runtime.startWorker) {
      throw new Error(`workers: ${runtime.name} cannot start worker processes on shared sockets`);
    }
    this.#runtime = runtime;
    this.#o = options;
    this.#slots = Array.from(
      { length: options.workers },
      (_, i) => new WorkerSlot(i, (slot, m) => this.#forward(slot, m)),
    );
    this.#restarts = this.#slots.map(() => 0);
  }

  /** Starts every worker; resolves once all serve, rejects (all stopped) when one ends first. */
  async start(): Promise<void> {
    const within = this.#o.readyWithinMs ?? 30_000;
    const procs = this.#slots.map((s) => this.#spawn(s));
    const failed = procs.map((p, i) =>
      p.exited.then((code) => `worker ${i} (pid ${p.pid}) exited with ${code} before serving`)
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(
        () => resolve(`the workers did not all report ready within ${within}ms`),
        within,
      );
    });
    const all = Promise.all(this.#slots.map((s) => s.whenReady())).then(() => null);
    const r = await Promise.race([all, late, ...failed]);
    clearTimeout(timer);
    if (r !== null) {
      await this.stop();
      throw new Error(r);
    }
    this.#started = true;
  }

  #spawn(slot: WorkerSlot): WorkerProcess {
    const proc = this.#runtime.startWorker!(
      this.#o.sockets,
      { [WORKER_ENV]: String(slot.index) },
      (m) => slot.receive(m),
    );
    slot.attach(proc);
    void proc.exited.then((code) => this.#died(slot, proc, code));
    return proc;
  }

  #died(slot: WorkerSlot, proc: WorkerProcess, code: number | string): void {
    if (slot.proc !== proc) return;
    const lived = Date.now() - slot.startedAt;
    slot.detach();
    if (this.#stopping || !this.#started) return;
    slot.quickDeaths = lived < (this.#o.youngMs ?? 10_000) ? slot.quickDeaths + 1 : 0;
    const first = this.#o.firstDelayMs ?? 0;
    const delay = slot.quickDeaths <= 1
      ? first
      : Math.min(this.#o.maxDelayMs ?? 10_000, Math.max(first, 100) * 2 ** (slot.quickDeaths - 1));
    log.warn`worker ${slot.index} (pid ${proc.pid}) exited with ${code} after ${lived}ms; ${
      delay === 0 ? "restarting it" : `restarting it in ${delay}ms`
    }`;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#stopping) return;
      try {
        const p = this.#spawn(slot);
        this.#restarts[slot.index]!++;
        void slot.whenReady().then(() => {
          if (slot.proc === p) log.info`worker ${slot.index}: pid ${p.pid} serves`;
        });
      } catch (err) {
        log.error`worker ${slot.index}: ${(err as Error).message}`;
        this.#died(slot, proc, "spawn failure");
      }
    }, delay);
    this.#timers.add(timer);
  }

  #forward(slot: WorkerSlot, m: WorkerRequest): void {
    if (m.tsproxy === "views") {
      // every ready worker's views (the asking one's too), for its stats page or /metrics
      void this.askAll((id) => ({ tsproxy: "view", id })).then((r) =>
        slot.answer(m.id, r.map((a) => a.value).filter((v) => v !== undefined))
      );
      return;
    }
    this.#o.onForward(m.line, m.who, m.level).then(
      (text) => slot.answer(m.id, text),
      (err: unknown) => slot.answer(m.id, `${(err as Error).message}\n`),
    );
  }

  /** The workers now: index, pid (null between a death and its restart), ready, restarts. */
  get workers(): WorkerInfo[] {
    return this.#slots.map((s, i) => ({
      index: s.index,
      pid: s.proc?.pid ?? null,
      ready: s.ready,
      restarts: this.#restarts[i]!,
    }));
  }

  /** Sends a request to every ready worker; the answers in worker order (undefined: none came). */
  askAll(make: (id: number) => ToWorker): Promise<{ index: number; value: unknown }[]> {
    const ready = this.#slots.filter((s) => s.ready);
    return Promise.all(ready.map(async (s) => ({ index: s.index, value: await s.request(make) })));
  }

  /** Reloads the workers one by one, the next once the previous answered; their reports. */
  async reload(): Promise<{ index: number; value: unknown }[]> {
    const out: { index: number; value: unknown }[] = [];
    for (const s of this.#slots) {
      if (!s.ready) continue;
      out.push({ index: s.index, value: await s.request((id) => ({ tsproxy: "reload", id })) });
    }
    return out;
  }

  /** Sends `signal` to every worker. */
  signal(signal: "SIGUSR1" | "SIGTERM"): void {
    for (const s of this.#slots) s.proc?.kill(signal);
  }

  /** No more restarts; SIGTERM to every worker (they drain); resolves once all exited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const procs = this.#slots.map((s) => s.proc).filter((p) => p !== null);
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exited));
  }
}
