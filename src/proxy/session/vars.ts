/** Variables by scope, HAProxy's way: `proc.` lives as long as the process, `sess.` the connection, `txn.`/`req.`/`res.` one transaction. */

/** Process-wide variables (`proc.x`). */
const PROC = new Map<string, unknown>();

/**
 * A transaction's variables: a Map for `txn.`, `req.` and `res.` names that hands `sess.` names to
 * the connection's map and `proc.` names to the process's, so rules read and write each scope
 * through `ctx.vars` alike.
 */
export class ScopedVars extends Map<string, unknown> {
  #sess: Map<string, unknown>;

  constructor(sess: Map<string, unknown>) {
    super();
    this.#sess = sess;
  }

  #outer(key: string): Map<string, unknown> | null {
    return key.startsWith("sess.") ? this.#sess : key.startsWith("proc.") ? PROC : null;
  }

  override get(key: string): unknown {
    const o = this.#outer(key);
    return o ? o.get(key) : super.get(key);
  }

  override has(key: string): boolean {
    const o = this.#outer(key);
    return o ? o.has(key) : super.has(key);
  }

  override set(key: string, value: unknown): this {
    const o = this.#outer(key);
    if (o) o.set(key, value);
    else super.set(key, value);
    return this;
  }

  override delete(key: string): boolean {
    const o = this.#outer(key);
    return o ? o.delete(key) : super.delete(key);
  }
}
