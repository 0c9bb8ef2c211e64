import { spawnSync } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { LlmClient, LLM_AGENTS, llmConfigOf, llmSettings } from '@aira/agents';
import { checkData, type Competition, type Registry as Competitions } from '@aira/competitions';
import type { RunConfig } from '@aira/coordinator';
import { readHostsFile } from '@aira/coordinator';
import { detectGpus } from '@aira/worker';
import { errorMessage } from '@aira/core';
import { isSynthetic } from '@aira/synth';
import { prepareHce, RECIPES } from '@aira/hce';
import { readTokenFile, WorkerConnection } from '@aira/protocol';

/**
 * The pre-flight of `aira run`: what would otherwise fail hours in, checked in seconds before any
 * worker starts. A blocker stops the run; a warning is said and the run goes on.
 */
export interface Check {
  check: 'data' | 'split' | 'disk' | 'workers' | 'llm' | 'cost cap';
  subject: string;
  status: 'ok' | 'warning' | 'blocker';
  detail: string;
}

export interface PreflightOptions {
  /**
   * `--preflight`: data that differs from MLE-bench's checksums is a blocker, and the LLM endpoint
   * gets one tiny request. The automatic check at the start of every run warns about such data and
   * leaves the endpoint alone (its settings were checked already).
   */
  full: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Free space under `--out` below which a run cannot keep its journals, splits and artifacts. */
const MIN_FREE_BYTES = 1024 ** 3;

export async function preflight(
  config: RunConfig,
  competitions: Competitions,
  ids: string[],
  o: PreflightOptions,
): Promise<Check[]> {
  const checks: Check[] = [];
  for (const id of ids) {
    const c = competitions.create(id);
    // Hashes are cached beside the data (by size and time), so only the first run pays for them.
    const data = await checkData(c);
    if (data.state === 'ok' || data.state === 'unverified')
      checks.push({ check: 'data', subject: id, status: 'ok', detail: data.detail });
    else if (data.state === 'missing' && c.prepare)
      checks.push({
        check: 'data',
        subject: id,
        status: 'ok',
        detail: 'its plugin prepares it when the run starts',
      });
    else if (data.state === 'mismatch' && isSynthetic(id, dirname(dirname(c.paths.prepared)))) {
      // Invented on purpose: its checksums never match; whether it can be split is the split row's.
      checks.push({
        check: 'data',
        subject: id,
        status: 'warning',
        detail:
          "synthetic data (aira data synth): not MLE-bench's, scores on it say nothing about a solution",
      });
    } else {
      const f = data.files[0];
      const what = f
        ? `${f.file}: ${f.problem === 'checksum' ? "checksum differs from MLE-bench's" : f.problem}`
        : data.detail;
      // Data that differs from MLE-bench's (synthetic data made on purpose, say) blocks an explicit
      // --preflight; at the start of a run it is a warning, while missing files always block.
      const status = data.state === 'mismatch' && !o.full ? 'warning' : 'blocker';
      checks.push({
        check: 'data',
        subject: id,
        status,
        detail: `${what}${data.fix ? ` (fix: ${data.fix})` : ''}`,
      });
    }
    checks.push(await splitCheck(c, config.hce));
  }
  checks.push(disk(config.out));
  checks.push(...(await workers(config)));
  if (LLM_AGENTS.includes(config.agent.name as never)) {
    if (o.full) checks.push(await llm(config, o.env ?? process.env));
    checks.push(
      config.budget.costUsd === undefined
        ? {
            check: 'cost cap',
            subject: config.agent.name,
            status: 'warning',
            detail: 'no --cost-cap: LLM spending per run is unbounded',
          }
        : {
            check: 'cost cap',
            subject: config.agent.name,
            status: 'ok',
            detail: `$${config.budget.costUsd} per run`,
          },
    );
  }
  return checks;
}

/**
 * Builds the competition's HCE split exactly as the run's evaluator does (its plugin's prepare(),
 * then prepareHce with the same cache and split seed), so data that cannot be split is found here
 * rather than when its run starts, hours into a suite. Splits are cached by content hash: the run
 * afterwards, and a second pre-flight, find it in the cache.
 */
async function splitCheck(c: Competition, hce: RunConfig['hce']): Promise<Check> {
  if (hce === 'off') return { check: 'split', subject: c.id, status: 'ok', detail: 'HCE off' };
  const custom = c.manifest.split.method === 'custom';
  if (custom && !c.split && !RECIPES.has(c.id)) {
    return {
      check: 'split',
      subject: c.id,
      status: 'blocker',
      detail: 'split.method is custom but neither its plugin nor HCE has a recipe for it (use --hce off)',
    };
  }
  const how = custom ? (c.split ? 'plugin split' : 'custom recipe') : 'built-in splitter';
  const started = Date.now();
  try {
    await c.prepare?.();
    const split = await prepareHce(c);
    const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
    return {
      check: 'split',
      subject: c.id,
      status: 'ok',
      detail: `${how}: ${split.cached ? 'cached' : 'built'} in ${took} (key ${split.key})`,
    };
  } catch (err) {
    // One line: the splitters' messages name the file and the problem (file:line where there is one).
    return {
      check: 'split',
      subject: c.id,
      status: 'blocker',
      detail: `${how}: ${errorMessage(err).split('\n')[0]}`,
    };
  }
}

function disk(out: string): Check {
  let at = resolve(out);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    const s = statfsSync(at);
    const free = s.bavail * s.bsize;
    const gib = (free / 1024 ** 3).toFixed(1);
    return free < MIN_FREE_BYTES
      ? {
          check: 'disk',
          subject: out,
          status: 'blocker',
          detail: `${gib} GiB free at ${at}; splits, journals and artifacts need at least 1 GiB`,
        }
      : { check: 'disk', subject: out, status: 'ok', detail: `${gib} GiB free` };
  } catch (err) {
    return {
      check: 'disk',
      subject: out,
      status: 'warning',
      detail: `free space unknown: ${errorMessage(err)}`,
    };
  }
}

async function workers(config: RunConfig): Promise<Check[]> {
  const out: Check[] = [];
  for (const spec of config.workers.spec) {
    if (spec.startsWith('local')) {
      const gpus = detectGpus();
      const sandbox = spawnSync('bwrap', ['--version'], { encoding: 'utf8' }).status === 0;
      out.push({
        check: 'workers',
        subject: spec,
        status: 'ok',
        detail: `${availableParallelism()} CPUs, ${gpus.length ? `GPUs ${gpus.join(',')}` : 'no GPU'}`,
      });
      if (!sandbox)
        out.push({
          check: 'workers',
          subject: spec,
          status: 'warning',
          detail: 'bubblewrap (bwrap) not found: candidate code would run without a sandbox',
        });
    } else if (spec.startsWith('hosts:')) {
      const token = config.workers.tokenFile ? readTokenFile(config.workers.tokenFile) : undefined;
      const addresses = readHostsFile(spec.slice(6));
      const results = await Promise.all(addresses.map((address) => reach(address, token)));
      for (const r of results) out.push(r);
      if (results.every((r) => r.status !== 'ok')) for (const r of results) r.status = 'blocker';
    } else
      out.push({
        check: 'workers',
        subject: spec,
        status: 'ok',
        detail: 'workers register when the run starts',
      });
  }
  return out;
}

async function reach(address: string, token: string | undefined): Promise<Check> {
  if (!token)
    return {
      check: 'workers',
      subject: address,
      status: 'warning',
      detail: 'not probed: no --token-file (the study makes its own token)',
    };
  try {
    const { connection, info } = await WorkerConnection.connect({
      address,
      token,
      connectTimeoutMs: 5_000,
      unaryDeadlineMs: 5_000,
    });
    connection.close();
    const gpus = info.gpus.length ? info.gpus.map((g) => g.name).join(', ') : 'no GPU';
    const sandbox = info.sandbox?.mechanism ?? 'unknown';
    return {
      check: 'workers',
      subject: address,
      status: sandbox === 'none' ? 'warning' : 'ok',
      detail: `${gpus}; sandbox ${sandbox}`,
    };
  } catch (err) {
    return { check: 'workers', subject: address, status: 'warning', detail: errorMessage(err) };
  }
}

async function llm(config: RunConfig, env: NodeJS.ProcessEnv): Promise<Check> {
  const l = llmConfigOf(config);
  const subject = `${l.model ?? '(no model)'} at ${l.baseUrl}`;
  try {
    const settings = llmSettings(config, env);
    const client = new LlmClient({ ...settings, maxRetries: 0, maxOutputTokens: 8 });
    const r = await client.complete({
      turns: [{ role: 'user', content: 'Reply with the word OK.' }],
      callId: 'preflight',
      signal: AbortSignal.timeout(30_000),
    });
    return {
      check: 'llm',
      subject,
      status: 'ok',
      detail: `answered (${r.usage.promptTokens + r.usage.completionTokens} tokens)`,
    };
  } catch (err) {
    return { check: 'llm', subject, status: 'blocker', detail: errorMessage(err).split('\n')[0]! };
  }
}

/** The checks as one table. */
export function formatChecks(checks: Check[]): string {
  const rows = [
    ['CHECK', 'SUBJECT', 'STATUS', 'DETAIL'],
    ...checks.map((c) => [c.check, c.subject, c.status, c.detail]),
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((x, i) => (i < 3 ? x.padEnd(w[i]!) : x)).join('  ')).join('\n');
}
