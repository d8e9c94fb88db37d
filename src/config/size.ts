/** Sizes in the config: `512`, `1k`, `2m`, `1g` (HAProxy's suffixes, powers of 1024), or a bare number of bytes. */

const UNITS: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE = /^(\d+)\s*([kmg]?)$/i;

/**
 * Parses a size into bytes.
 *
 * @example
 * ```ts
 * parseSize("1k"); // 1024
 * parseSize(256); // 256
 * ```
 * @throws {RangeError} e.g. `Cannot parse size "5x": expected a whole number with k, m or g`
 */
export function parseSize(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(
        `Cannot parse size ${value}: expected a whole number of bytes, 0 or more`,
      );
    }
    return value;
  }
  const m = SIZE.exec(value.trim());
  if (!m) {
    throw new RangeError(
      `Cannot parse size "${value}": expected a whole number of bytes, optionally followed by ` +
        `k, m or g (1024, 1024², 1024³)`,
    );
  }
  const n = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(n)) throw new RangeError(`Cannot parse size "${value}": too large`);
  return n;
}
