import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseCsv } from '../csv/reader.js';
import type { Table } from '../csv/table.js';
import { gradeSubmission, type GradeResult } from '../grade.js';
import type { JsonRecord } from '../graders/types.js';

/** A table from CSV lines (joined with \n). */
export function csv(...lines: string[]): Table {
  return parseCsv(lines.join('\n') + '\n', '<test>');
}

/** Grades in-memory CSV text. */
export function grade(
  id: string,
  submission: string[] | Table,
  answers: string[] | Table | JsonRecord[],
): GradeResult {
  const sub = Array.isArray(submission) ? csv(...submission) : submission;
  const ans =
    Array.isArray(answers) && (answers.length === 0 || typeof answers[0] === 'string')
      ? csv(...(answers as string[]))
      : (answers as Table | JsonRecord[]);
  return gradeSubmission(id, sub, ans);
}

export const PYTHON = '/usr/bin/python3';

/** Whether Debian's python3 with numpy, pandas and scikit-learn is there (the cross-checks need it). */
export function pythonWithSklearn(): boolean {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import numpy, pandas, sklearn, scipy'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Runs a Python script with JSON on stdin and returns its JSON stdout. */
export function runPython<T>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
