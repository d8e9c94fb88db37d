/** The exception compilers throw internally; public functions catch it and return the RuleError. */
import type { RuleError } from "./errors.ts";

/** Carries a RuleError out of nested compile steps. Never escapes the public API. */
export class RuleFailure extends Error {
  constructor(readonly error: RuleError) {
    super(error.message);
    this.name = "RuleFailure";
  }
}

/** Throws a RuleFailure about `word` at `column`. */
export function fail(message: string, word: string, column: number, hint?: string): never {
  const error: RuleError = { message, word, column };
  if (hint !== undefined) error.hint = hint;
  throw new RuleFailure(error);
}

/** Runs a compile step, turning a RuleFailure into a returned error; other exceptions pass. */
export function attempt<T>(
  step: () => T,
): { ok: true; value: T } | { ok: false; error: RuleError } {
  try {
    return { ok: true, value: step() };
  } catch (e) {
    if (e instanceof RuleFailure) return { ok: false, error: e.error };
    throw e;
  }
}
