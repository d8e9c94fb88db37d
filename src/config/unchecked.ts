/** Backends that failed validation: the cross-checks know their names (and servers') but check nothing in them. */

const UNCHECKED = new WeakMap<object, ReadonlyMap<string, readonly string[]>>();

/** Records the backends left out of `config` for their schema errors, with their server names. */
export function setUncheckedBackends(
  config: object,
  backends: ReadonlyMap<string, readonly string[]>,
): void {
  UNCHECKED.set(config, backends);
}

/** The backends left out of `config` (name → server names); empty for a config that validated. */
export function uncheckedBackends(config: object): ReadonlyMap<string, readonly string[]> {
  return UNCHECKED.get(config) ?? new Map();
}
