/** HAProxy's freq_ctr_period over three slots of a Float64Array: [period start, current count, previous count]. */

/**
 * Adds `inc` events at `now` to the period counter at `at` in `data` (HAProxy's
 * update_freq_ctr_period): within the period the current count grows; one period later the
 * current count becomes the previous one; two or more periods later both are dropped and the
 * period restarts at `now`.
 */
export function updateRate(
  data: Float64Array,
  at: number,
  period: number,
  now: number,
  inc: number,
): void {
  const elapsed = now - data[at]!;
  if (elapsed >= period) {
    if (elapsed >= 2 * period) {
      data[at + 2] = 0;
      data[at] = now;
    } else {
      data[at + 2] = data[at + 1]!;
      data[at] = data[at]! + period;
    }
    data[at + 1] = 0;
  }
  data[at + 1] = data[at + 1]! + inc;
}

/**
 * The events over the last `period` at `now` (HAProxy's read_freq_ctr_period): the current count
 * plus the previous one prorated by the part of its period still in the window, rounded down; a
 * previous count of 0 or 1 with nothing current reads as itself, so a low rate does not flap.
 */
export function readRate(data: Float64Array, at: number, period: number, now: number): number {
  let curr = data[at + 1]!, past = data[at + 2]!;
  let remain = data[at]! + period - now;
  if (remain < 0) {
    remain += period;
    if (remain < 0) return 0;
    past = curr;
    curr = 0;
  }
  if (past <= 1 && curr === 0) return past;
  return curr + Math.floor(past * remain / period);
}
