/** Parses a `balance` line in HAProxy syntax ("uri len 20 depth 3", "hdr(host) use_domain_only") into a spec. */
import { splitCall } from "./_args.ts";
import { type BalanceName, balanceNames, balancers, type BalanceSpec } from "./registry.ts";

export type BalanceParse = { ok: true; spec: BalanceSpec } | { ok: false; error: string };

function isName(name: string): name is BalanceName {
  return Object.hasOwn(balancers, name);
}

/**
 * Parses `text`, e.g. "roundrobin", "uri len 20 depth 3 whole path-only", "url_param userid",
 * "hdr(host) use_domain_only", "random(3)", "hash path". Words are separated by spaces; an
 * argument in parentheses sticks to its keyword. The error names the offending word.
 *
 * @example
 * ```ts
 * parseBalance("random(3)"); // { ok: true, spec: { name: "random", draws: 3 } }
 * parseBalance("uri len x"); // { ok: false, error: 'uri: "len" needs a whole number of at least 1, got "x"' }
 * ```
 */
export function parseBalance(text: string): BalanceParse {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  const head = words.shift();
  if (head === undefined) {
    return { ok: false, error: `balance is empty (expected one of ${balanceNames.join(", ")})` };
  }
  const call = splitCall(head);
  if (call === null) return { ok: false, error: `unbalanced parentheses in "${head}"` };
  if (!isName(call.name)) {
    return {
      ok: false,
      error: `unknown balance algorithm "${call.name}" (known: ${balanceNames.join(", ")})`,
    };
  }
  const parsed = balancers[call.name].parse(call.arg, words);
  if (!parsed.ok) return parsed;
  return { ok: true, spec: { ...(parsed.params as object), name: call.name } as BalanceSpec };
}
