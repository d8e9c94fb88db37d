/** Rule errors as data: what is wrong, the offending word and its column; the config layer adds where. */

/** One thing wrong in a rule line. */
export interface RuleError {
  /** What is wrong, e.g. `unknown fetch "pth"`. */
  message: string;
  /** The offending word as written (after unquoting). */
  word: string;
  /** 1-based column of the word (or of the character at fault) in the line. */
  column: number;
  /** A suggestion, e.g. `did you mean "path"?`. */
  hint?: string;
}

/** `MESSAGE at column N (HINT)`: the one-line form, for the config layer to prefix with its path. */
export function formatRuleError(error: RuleError): string {
  const hint = error.hint === undefined ? "" : ` (${error.hint})`;
  return `${error.message} at column ${error.column}${hint}`;
}
