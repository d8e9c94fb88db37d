/** Phase "tcp-request connection rules" on the real peer, and the trackers they took held until a session takes them. */
import { evaluateTcpRules } from "../../rules/mod.ts";
import type { FrontendRules } from "../../rules/rule_sets.ts";
import type { Socket } from "../../runtime/types.ts";
import type { Tracker } from "../../stick/tracker.ts";
import { connectionContext, type ContextOwner } from "../session/l4_context.ts";
import { resetOrClose } from "../session/reset.ts";

/** What the rules read of the frontend: its rules and where a refusal is counted. */
export interface ConnectionRulesOwner extends ContextOwner {
  readonly rules: FrontendRules | null;
  readonly counters: { dcon: number };
}

/**
 * Runs the frontend's tcp-request connection rules on `sock`: false when they refuse it (counted
 * in dcon; a silent-drop resets it), else what they tracked (track-sc0 src), or null.
 */
export function runConnectionRules(
  sock: Socket,
  owner: ConnectionRulesOwner,
): Tracker | null | false {
  const rules = owner.rules?.tcp.connection;
  if (!rules || rules.length === 0) return null;
  const ctx = connectionContext(sock, owner);
  ctx.final = true;
  const v = evaluateTcpRules(rules, ctx).verdict;
  const tracker = ctx.stick?.tracker ?? null;
  if (v !== "reject" && v !== "silent-drop") return tracker;
  tracker?.end(0, false, 0, 0);
  owner.counters.dcon++;
  if (v === "silent-drop") resetOrClose(sock); // the caller's close is then a no-op
  return false;
}

/**
 * The trackers of connections not in a session yet (waiting for a slot, or for their PROXY
 * header), by what holds them; empty unless connection rules track, so the checks cost one size
 * test. A connection that ends before its session lets its entries go (conn_cur).
 */
export class HeldTrackers {
  readonly #held = new Map<object, Tracker>();

  hold(key: object, t: Tracker | null): void {
    if (t !== null) this.#held.set(key, t);
  }

  /** The tracker `from` held, now held by `to` (a ProxyHeaderWait taking the socket). */
  move(from: object, to: object): void {
    if (this.#held.size === 0) return;
    const t = this.#held.get(from);
    if (t === undefined) return;
    this.#held.delete(from);
    this.#held.set(to, t);
  }

  /** Hands `key`'s tracker to the session starting (null when none). */
  take(key: object): Tracker | null {
    if (this.#held.size === 0) return null;
    const t = this.#held.get(key);
    if (t === undefined) return null;
    this.#held.delete(key);
    return t;
  }

  /** `key` ended before any session: its entries are let go. */
  letGo(key: object): void {
    this.take(key)?.end(0, false, 0, 0);
  }
}
