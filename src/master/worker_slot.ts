/** One worker of a master: its process (replaced after a death), its readiness, and requests waiting for its answers. */
import type { WorkerProcess } from "../runtime/types.ts";
import { type AnswerMessage, READY, tagOf, type ToWorker, type WorkerRequest } from "./messages.ts";

/** How long a request to a worker may wait for its answer. */
export const ANSWER_WITHIN_MS = 10_000;

interface Waiting {
  resolve(value: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Worker number `index` (0-based, stable across restarts). */
export class WorkerSlot {
  readonly index: number;
  /** The process now, or null between a death and the restart. */
  proc: WorkerProcess | null = null;
  /** When the process now was started (ms since the epoch). */
  startedAt = 0;
  /** Restarts in a row that died young (the backoff's exponent). */
  quickDeaths = 0;
  #ready = false;
  #onReady: (() => void)[] = [];
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;
  readonly #onForward: (slot: WorkerSlot, m: WorkerRequest) => void;

  constructor(index: number, onForward: (slot: WorkerSlot, m: WorkerRequest) => void) {
    this.index = index;
    this.#onForward = onForward;
  }

  get ready(): boolean {
    return this.proc !== null && this.#ready;
  }

  /** Takes a new process: not ready until it says so. */
  attach(proc: WorkerProcess): void {
    this.proc = proc;
    this.startedAt = Date.now();
    this.#ready = false;
  }

  /** Its process ended: requests waiting for it get `undefined`. */
  detach(): void {
    this.proc = null;
    this.#ready = false;
    for (const [id, w] of this.#waiting) {
      clearTimeout(w.timer);
      w.resolve(undefined);
      this.#waiting.delete(id);
    }
  }

  /** Resolves once the process now says it serves (at once if it did). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.#onReady.push(resolve));
  }

  /** A message from the process (the runtime's `onMessage`). */
  receive(message: unknown): void {
    const tag = tagOf(message);
    if (tag === READY) {
      this.#ready = true;
      for (const f of this.#onReady.splice(0)) f();
    } else if (tag === "answer") {
      const m = message as AnswerMessage;
      const w = this.#waiting.get(m.id);
      if (!w) return;
      this.#waiting.delete(m.id);
      clearTimeout(w.timer);
      w.resolve(m.value);
    } else if (tag === "forward" || tag === "views") {
      this.#onForward(this, message as WorkerRequest);
    }
  }

  /** Sends a request and resolves with the answer's value (undefined: no answer, or no process). */
  request(make: (id: number) => ToWorker, withinMs = ANSWER_WITHIN_MS): Promise<unknown> {
    const proc = this.proc;
    if (proc === null) return Promise.resolve(undefined);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(undefined);
      }, withinMs);
      this.#waiting.set(id, { resolve, timer });
      proc.send(make(id));
    });
  }

  /** Answers a request the worker made (a forwarded command). */
  answer(id: number, value: unknown): void {
    this.proc?.send({ tsproxy: "answer", id, value } satisfies ToWorker);
  }
}
