/**
 * Which way a score improves, as runs, journals and reports spell it. A competition manifest's
 * "higher-is-better" / "lower-is-better" and MLE-bench's `is_lower_better` are file formats read
 * at the edge and turned into this with `directionOf`.
 */
export const DIRECTIONS = ['maximize', 'minimize'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export function isDirection(value: unknown): value is Direction {
  return value === 'maximize' || value === 'minimize';
}

/** A manifest's direction ("higher-is-better" / "lower-is-better") as a run's. */
export function directionOf(manifestDirection: 'higher-is-better' | 'lower-is-better'): Direction {
  return manifestDirection === 'higher-is-better' ? 'maximize' : 'minimize';
}

/** Whether score `a` beats `b` (ties do not). */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'maximize' ? a > b : a < b;
}
