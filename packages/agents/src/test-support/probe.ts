import { execFileSync } from 'node:child_process';
import { parseProbe, probeCode, type Probe } from '../template/probe.js';

/** The data probe run by Debian's Python on a folder, as a session's kernel runs it. */
export function probeFolder(dir: string): Probe {
  const probe = parseProbe(execFileSync('/usr/bin/python3', ['-c', probeCode(dir)], { encoding: 'utf8' }));
  if (!probe) throw new Error(`the probe printed nothing for ${dir}`);
  return probe;
}
