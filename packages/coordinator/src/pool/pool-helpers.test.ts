import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@aira/testing';
import { parseWorkerSpecs, readHostsFile } from './hosts.js';
import { listeningAddress, localSlots, readLocalRecords, writeLocalRecord } from './local.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe('worker specs', () => {
  it('parses local, local:N, hosts:FILE and register:HOST:PORT', () => {
    expect(parseWorkerSpecs(['local', 'local:3', 'hosts:/x/h.txt', 'register:0.0.0.0:7000'])).toEqual([
      { kind: 'local', spec: 'local' },
      { kind: 'local', spec: 'local:3' },
      { kind: 'hosts', file: '/x/h.txt' },
      { kind: 'register', listen: '0.0.0.0:7000' },
    ]);
    expect(() => parseWorkerSpecs(['gpu:4'])).toThrow(
      'workers.spec: "gpu:4" is not local, local:N, hosts:FILE, register:HOST:PORT, slurm or slurm:N',
    );
  });

  it('gives one slot per GPU, else 2 CPU slots, or N', () => {
    expect(localSlots('local', [])).toEqual([{}, {}]);
    expect(localSlots('local', ['0', '3'])).toEqual([{ gpu: '0' }, { gpu: '3' }]);
    expect(localSlots('local:3', [], 8)).toHaveLength(3);
    expect(localSlots('local:3', ['5'], 8)).toEqual([{ gpu: '5' }, { gpu: '5' }, { gpu: '5' }]);
    expect(() => localSlots('local:0', [])).toThrow(/asks for no worker/);
    // More daemons than the machine has CPUs (or GPUs) is refused before any starts.
    expect(() => localSlots('local:9999', [], 8)).toThrow(
      'workers: "local:9999" asks for 9999 local workers; this machine has 8 CPU(s) and 0 GPU(s), so at most local:8',
    );
    expect(localSlots('local:4', ['0', '1', '2', '3'], 2)).toHaveLength(4);
  });

  it('reads the listening line of a daemon', () => {
    expect(listeningAddress('{"event":"listening","address":"127.0.0.1:41234","worker_id":"w"}')).toBe(
      '127.0.0.1:41234',
    );
    expect(listeningAddress('listening on 127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(listeningAddress('starting')).toBeNull();
  });
});

describe('hosts file', () => {
  it('reads host:port lines, skipping comments and blanks, and names a bad line', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'hosts');
    writeFileSync(file, '# workers\nnode1:50051\n\n  10.0.0.2:50052  # gpu 1\n');
    expect(readHostsFile(file)).toEqual(['node1:50051', '10.0.0.2:50052']);
    writeFileSync(file, 'node1:50051\nnode2\n');
    expect(() => readHostsFile(file)).toThrow(`hosts file ${file}:2: "node2" is not host:port`);
    writeFileSync(file, '# nothing\n');
    expect(() => readHostsFile(file)).toThrow(/lists no worker/);
    expect(() => readHostsFile(join(t.dir, 'missing'))).toThrow(
      /cannot read hosts file .*missing: no such file/,
    );
  });

  it('keeps records of local daemons for a resumed coordinator, skipping a record cut short', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeLocalRecord(t.dir, { index: 1, pid: 11, address: 'a:1', startedAt: 1 });
    writeLocalRecord(t.dir, { index: 0, pid: 10, address: 'a:0', startedAt: 1 });
    writeFileSync(join(t.dir, 'local-2.json'), '{"index":2,"pi');
    expect(readLocalRecords(t.dir).map((r) => r.index)).toEqual([0, 1]);
  });
});
