import { describe, expect, it } from 'vitest';
import type { Submission } from '../agent/types.js';
import { parseScoreLine, selfReportedScores } from './self-reported.js';

const sub = (output: string, exitCode = 0, failure?: string): Submission => ({
  code: '',
  codePath: 's.py',
  files: [],
  output,
  exitCode,
  failure,
});

describe('self-reported evaluator', () => {
  it('reads the last "score: <number>" line', () => {
    expect(parseScoreLine('epoch 1\nscore: 0.5\nmore\nscore: -1.25e-3\n')).toBe(-0.00125);
    expect(parseScoreLine('  score:\t42  \n')).toBe(42);
    expect(parseScoreLine('score: .5')).toBe(0.5);
  });

  it('ignores lines that only mention a score', () => {
    expect(parseScoreLine('best score: 3\nthe score: is 4\nscore: nan\nscore: 1 2\n')).toBeNull();
  });

  it('turns output into scores; failures and missing lines are invalid with a reason', () => {
    expect(selfReportedScores(sub('score: 0.8\n'))).toEqual({ valid: true, search: 0.8 });
    expect(selfReportedScores(sub('Traceback (most recent call last):\nValueError: bad\n', 1))).toMatchObject(
      { valid: false, reason: expect.stringContaining('exited with code 1: Traceback') },
    );
    expect(selfReportedScores(sub('done\n'))).toMatchObject({
      valid: false,
      reason: 'no line "score: <number>" in the output',
    });
    expect(selfReportedScores(sub('score: 1\n', 0, 'solution ended: timeout'))).toMatchObject({
      valid: false,
      reason: 'solution ended: timeout',
    });
  });
});
