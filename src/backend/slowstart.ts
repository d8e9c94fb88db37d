/** slowstart: the weight of a server that just came back grows from 1/16 to all of it over the period. */

/** HAProxy's BE_WEIGHT_SCALE: the ramp has this many steps. */
export const RAMP_STEPS = 16;

/**
 * The weight of a server `elapsed` ms into its slowstart `period`: HAProxy's server_recalc_eweight,
 * `weight × (⌊16 × elapsed / period⌋ + 1) / 16`, so it starts at 1/16 of `weight` (never 0: the
 * server takes some traffic at once), grows linearly in 16 steps and is whole from the last
 * sixteenth of the period on. Multiples of 1/16 are exact in floating point, so balancers' sums of
 * weights stay exact. HAProxy recomputes once a second (its slowstart counts whole seconds); this is
 * read at each pick, with millisecond precision. Outside the period (or when the clock went
 * backwards): `weight`.
 *
 * @example
 * ```ts
 * rampedWeight(4, 0, 2000); // 0.25
 * rampedWeight(4, 1000, 2000); // 2.25 (step 9 of 16)
 * rampedWeight(4, 2000, 2000); // 4
 * ```
 */
export function rampedWeight(weight: number, elapsed: number, period: number): number {
  if (!(period > 0) || elapsed < 0 || elapsed >= period) return weight;
  const step = Math.min(RAMP_STEPS, Math.floor((RAMP_STEPS * elapsed) / period) + 1);
  return (weight * step) / RAMP_STEPS;
}
