/** A backend's waiting line: requests that found every server at its maxconn wait here (FIFO) for a free slot or `timeout queue`. */

/** One waiting request; `cancel()` takes it out of the line (its owner went away). */
export interface QueuedRequest {
  cancel(): void;
}

interface Waiter extends QueuedRequest {
  ready: ((ok: boolean) => void) | null;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Queue {
  #items: (Waiter | null)[] = [];
  #head = 0;
  #length = 0;
  /** Requests queued since start, and those that gave up at `timeout queue`. */
  total = 0;
  timeouts = 0;
  /** The longest the line has been. */
  max = 0;

  /** Requests waiting now. */
  get length(): number {
    return this.#length;
  }

  /**
   * Waits for a slot: resolves true when `wake()` hands one over, false after `timeoutMs`
   * (0: no limit) or on cancel. The caller takes the slot synchronously after `true`.
   */
  wait(timeoutMs: number, cancelled: (q: QueuedRequest) => void = () => {}): Promise<boolean> {
    return new Promise((resolve) => {
      const w: Waiter = {
        ready: resolve,
        timer: undefined,
        cancel: () => this.#drop(w, false),
      };
      if (timeoutMs > 0) {
        w.timer = setTimeout(() => {
          this.timeouts++;
          this.#drop(w, false);
        }, timeoutMs);
      }
      this.#items.push(w);
      this.#length++;
      this.total++;
      if (this.#length > this.max) this.max = this.#length;
      cancelled(w);
    });
  }

  /** A slot freed: the first request still waiting gets it. Returns whether one did. */
  wake(): boolean {
    while (this.#head < this.#items.length) {
      const w = this.#items[this.#head];
      this.#items[this.#head++] = null;
      if (w && w.ready) {
        this.#compact();
        this.#drop(w, true);
        return true;
      }
    }
    this.#compact();
    return false;
  }

  #drop(w: Waiter, ok: boolean): void {
    const ready = w.ready;
    if (!ready) return;
    w.ready = null;
    clearTimeout(w.timer);
    this.#length--;
    if (this.#length === 0) {
      this.#items.length = 0;
      this.#head = 0;
    }
    ready(ok);
  }

  /** Drops consumed slots at the front now and then, so the array does not grow without end. */
  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
