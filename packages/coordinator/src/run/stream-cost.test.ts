import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptAgent } from '../agent/script-agent.js';
import { RunConfig } from '../config/schema.js';
import { eventsOf, journalOf, sleepyScript, useWorkers, type TestWorkers } from '../test-support/workers.js';
import { defaultRegistry, registerAgent } from './registry.js';
import { runStudy } from './study.js';

let workers: TestWorkers;
let root: string;
useWorkers(2, 'aira-stream-', (w, dir) => ((workers = w), (root = dir)));

/** A real TCP proxy in front of a worker whose connections the test can cut. */
async function proxy(target: string): Promise<{ address: string; cut: () => number; close: () => void }> {
  const [host, port] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address() as { port: number };
  return {
    address: `127.0.0.1:${a.port}`,
    cut: () => {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    close: () => server.close(),
  };
}

describe('streams and budgets', () => {
  it('an exec stream cut twice mid-exec is re-attached from its last seq: output complete, in order, once', async () => {
    const p = await proxy(workers.workers[0]!.address);
    const hosts = join(root, 'proxy-hosts');
    writeFileSync(hosts, `${p.address}\n`);
    const script = join(root, 'count.py');
    writeFileSync(
      script,
      'import sys, time\nfor i in range(300):\n    print(f"line {i}", flush=True)\n    time.sleep(0.01)\nprint("score: 1")\n',
    );
    let cuts = 0;
    const res = await runStudy(
      RunConfig.parse({
        out: join(root, 'cut'),
        agent: { script },
        budget: { maxJobs: 1 },
        workers: { spec: [`hosts:${hosts}`], tokenFile: workers.tokenFile, lease: 30_000 },
      }),
      {
        onEvent: (_r, e) => {
          if (e.type === 'exec.started' && e.label === 'solution') {
            setTimeout(() => (cuts += p.cut() > 0 ? 1 : 0), 1_000);
            setTimeout(() => (cuts += p.cut() > 0 ? 1 : 0), 2_000);
          }
        },
      },
    );
    p.close();
    expect(cuts).toBe(2);
    const dir = join(res.dir, res.runs[0]!.runId);
    const events = journalOf(dir);
    expect(eventsOf(events, 'attempt.abandoned')).toEqual([]);
    const solution = eventsOf(events, 'exec.started').find((e) => e.label === 'solution')!;
    const expected = `${Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join('')}score: 1\n`;
    expect(readFileSync(join(dir, solution.log), 'utf8')).toBe(expected);
    expect(eventsOf(events, 'candidate.added')[0]!.candidate.scores).toEqual({ valid: true, search: 1 });
  });

  it('LLM spending reported through the cost hook stops new jobs at the cap', async () => {
    const registry = defaultRegistry();
    let sawCap = false;
    registerAgent(registry, {
      id: 'costly',
      description: 'the script agent, reporting LLM spending for each job',
      create: (config) => {
        const inner = scriptAgent(config);
        return {
          name: 'costly',
          sessionFiles: inner.sessionFiles,
          async runJob(job, session, ctx) {
            await ctx.reportCost(0.4, { tokens: 1000 });
            sawCap ||= ctx.costCapReached();
            return inner.runJob(job, session, ctx);
          },
        };
      },
    });
    const res = await runStudy(
      RunConfig.parse({
        out: join(root, 'cost'),
        agent: { name: 'costly', script: sleepyScript(root, 0.2, 0.3) },
        budget: { costUsd: 1 },
        workers: { spec: [`hosts:${workers.hostsFile}`], tokenFile: workers.tokenFile },
      }),
      { registry },
    );
    const run = res.runs[0]!;
    expect(run.reason).toBe('cost');
    expect(sawCap).toBe(true);
    const events = journalOf(join(res.dir, run.runId));
    const costs = eventsOf(events, 'cost');
    const total = costs.reduce((s, c) => s + c.usd, 0);
    expect(total).toBeGreaterThanOrEqual(1);
    // No job was proposed once the cap was reached.
    const capAt = costs.find((_, i) => costs.slice(0, i + 1).reduce((s, c) => s + c.usd, 0) >= 1)!.seq;
    expect(eventsOf(events, 'job.created').filter((j) => j.seq > capAt)).toEqual([]);
    expect(run.candidates).toBe(run.jobs);
  });
});
