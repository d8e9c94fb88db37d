/** Durations in the config: `250ms`, `5s`, `1m30s`, `1.5h`, or a bare number of milliseconds. */

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)([a-zA-Z]*)/y;

/**
 * Parses a duration into whole milliseconds (rounded).
 *
 * @example
 * ```ts
 * parseDuration("1m30s"); // 90000
 * parseDuration(250); // 250
 * ```
 * @throws {RangeError} e.g. `Cannot parse duration "5x": unknown unit "x"`
 */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`Cannot parse duration ${value}: expected a non-negative number`);
    }
    return Math.round(value);
  }
  const text = value.trim();
  const fail = (why: string) => new RangeError(`Cannot parse duration "${value}": ${why}`);
  if (text === "") throw fail("it is empty");
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text));
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m) {
      throw fail(`expected a number followed by a unit (ms, s, m, h) at "${text.slice(at)}"`);
    }
    const [, amount = "", unit = ""] = m;
    if (unit === "") throw fail(`missing unit after "${amount}" (use ms, s, m or h)`);
    const factor = UNITS[unit];
    if (factor === undefined) throw fail(`unknown unit "${unit}"`);
    total += Number(amount) * factor;
  }
  return Math.round(total);
}

/** Formats milliseconds the short way back (`90000` → `1m30s`), for messages and stats. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join("");
}
