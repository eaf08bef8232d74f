// Named shapes of traffic over the day (24 hourly weights) and over the week (7 daily weights,
// Monday first). Weights are relative: they are normalised so that a day (a week) keeps the
// requested volume on average.

export const DIURNAL_CURVES: Record<string, number[]> = {
  flat: Array.from({ length: 24 }, () => 1),
  // office traffic: quiet nights, a ramp from 07:00, a plateau 09:00-17:00 with a lunch dip
  'business-hours': [
    0.15, 0.1, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 1.2, 1.8, 2.0, 2.0, 1.6, 1.9, 2.0, 1.9, 1.7, 1.2, 0.7, 0.5, 0.4, 0.3,
    0.25, 0.2,
  ],
  // consumer apps: low mornings, a lunch bump, a peak 19:00-22:00
  'consumer-evening': [
    0.6, 0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1.1, 1.0, 0.9, 0.9, 1.0, 1.2, 1.5, 1.9, 2.1, 2.0, 1.6,
    1.0,
  ],
};

export const WEEKLY_CURVES: Record<string, number[]> = {
  flat: [1, 1, 1, 1, 1, 1, 1],
  weekdays: [1.2, 1.2, 1.2, 1.2, 1.1, 0.55, 0.55],
  weekend: [0.85, 0.85, 0.85, 0.9, 1.0, 1.3, 1.25],
};

/** Weights scaled to mean 1 (so sum = length). */
export function normalise(weights: number[]): number[] {
  const mean = weights.reduce((s, w) => s + w, 0) / weights.length;
  return weights.map((w) => (mean > 0 ? w / mean : 0));
}
