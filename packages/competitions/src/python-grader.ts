import { spawn } from 'node:child_process';

/**
 * Runs a Python grader script as a subprocess:
 *   <python> <script> --submission <csv> --answers <file>
 * The script prints its result as the last line of stdout: a bare number, or a JSON object
 * `{"score": <number|null>, "error": "..."}`. A non-zero exit, a null score or an unparsable last
 * line makes the submission invalid, with the script's own message as the reason.
 */
export interface PythonGraderOptions {
  python: string;
  script: string;
  cwd: string;
  timeoutMs: number;
}

export async function runPythonGrader(
  opts: PythonGraderOptions,
  submission: string,
  answers: string,
): Promise<number | null> {
  const { code, stdout, stderr, timedOut } = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
  }>((res, rej) => {
    const child = spawn(opts.python, [opts.script, '--submission', submission, '--answers', answers], {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-1_000_000)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-100_000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(new Error(`cannot run ${opts.python}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout: out, stderr: err, timedOut });
    });
  });
  if (timedOut) throw new Error(`grader ${opts.script} took longer than ${opts.timeoutMs} ms`);
  const lastErr = stderr.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(lastErr || `grader ${opts.script} exited with ${code}`);
  const last = stdout.trim().split('\n').pop()?.trim() ?? '';
  const value = parseResult(last);
  if (value === undefined)
    throw new Error(
      `grader ${opts.script} printed no score (last line: ${JSON.stringify(last.slice(0, 200))})`,
    );
  if (typeof value === 'object' && value.error && value.score === null) throw new Error(value.error);
  return typeof value === 'number' ? value : value.score;
}

type Result = number | { score: number | null; error?: string };

function parseResult(line: string): Result | undefined {
  // Python's json.dumps writes NaN and Infinity bare, which JSON.parse refuses.
  const normalised = line.replace(/\b-?Infinity\b|\bNaN\b/g, (m) => `"${m}"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(normalised);
  } catch {
    return undefined;
  }
  const num = (v: unknown): number | null | undefined =>
    typeof v === 'number'
      ? v
      : v === null
        ? null
        : v === 'NaN'
          ? NaN
          : v === 'Infinity'
            ? Infinity
            : v === '-Infinity'
              ? -Infinity
              : undefined;
  if (typeof parsed === 'object' && parsed !== null && 'score' in parsed) {
    const score = num((parsed as { score: unknown }).score);
    if (score === undefined) return undefined;
    const error = (parsed as { error?: unknown }).error;
    return { score, error: typeof error === 'string' ? error : undefined };
  }
  const n = num(parsed);
  return n === null || n === undefined ? undefined : n;
}
