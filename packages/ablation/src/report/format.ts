import { formatDuration } from '@aira/core';
import type { MeanSe } from '../aggregate/stats.js';

export const fmt1 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(1);

/** "59.9 ± 3.6" (the SE is left out below 2 values). */
export function fmtMeanSe(m: MeanSe, digits = 1): string {
  if (m.mean === null) return '–';
  return m.se === null ? m.mean.toFixed(digits) : `${m.mean.toFixed(digits)} ± ${m.se.toFixed(digits)}`;
}

export function fmtSigned(m: MeanSe): string {
  if (m.mean === null) return '–';
  const s = `${m.mean >= 0 ? '+' : '−'}${Math.abs(m.mean).toFixed(1)}`;
  return m.se === null ? s : `${s} ± ${m.se.toFixed(1)}`;
}

/** A test score with up to 5 significant decimals (scores are graded to 5 d.p.). */
export function fmtScore(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return Number(x.toFixed(5)).toString();
}

export function fmtTestMeanSe(m: MeanSe): string {
  if (m.mean === null) return '–';
  return m.se === null ? fmtScore(m.mean) : `${fmtScore(m.mean)} ± ${Number(m.se.toPrecision(2))}`;
}

export const fmtDuration = (ms: number) => formatDuration(ms);
