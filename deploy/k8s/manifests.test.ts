import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';

/**
 * The Kubernetes example (deploy/k8s) checked against the Kubernetes API's own schemas, as bundled
 * by kubernetes-models (offline), and for the wiring between its parts: workers reach the
 * coordinator's Service at the port it serves registration on, both read the same token Secret,
 * each worker pod asks for one GPU. It is an example: no cluster runs it in these tests.
 */

const here = dirname(fileURLToPath(import.meta.url));
type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
} & Record<string, unknown>;

const MODELS: Record<string, new (doc: never) => { validate(): void }> = {
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'batch/v1/Job': Job,
  'apps/v1/StatefulSet': StatefulSet,
};

function docs(): Array<{ file: string; doc: Doc }> {
  return readdirSync(here)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(here, file), 'utf8')).map((d) => {
        expect(d.errors, file).toEqual([]);
        return { file, doc: d.toJS() as Doc };
      }),
    );
}

function validate(doc: Doc): void {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc as never).validate();
}

const find = (kind: string, name: string) =>
  docs().find((d) => d.doc.kind === kind && d.doc.metadata.name === name)?.doc;

describe('deploy/k8s example', () => {
  it('is valid against the Kubernetes API schemas', () => {
    const all = docs();
    expect(all.map((d) => `${d.doc.kind}/${d.doc.metadata.name}`).sort()).toEqual([
      'Job/aira-coordinator',
      'PersistentVolumeClaim/aira-runs',
      'Secret/aira-token',
      'Service/aira-coordinator',
      'Service/aira-workers',
      'StatefulSet/aira-worker',
    ]);
    for (const { file, doc } of all)
      expect(() => validate(doc), `${file}: ${doc.kind}/${doc.metadata.name}`).not.toThrow();
  });

  it('the validator does reject a broken manifest', () => {
    const sts = structuredClone(find('StatefulSet', 'aira-worker')!);
    (sts.spec as { replicas: unknown }).replicas = 'eight';
    expect(() => validate(sts)).toThrow(/replicas must be integer/);
  });

  it('wires workers to the coordinator: registration Service and port, one GPU per worker, the same token Secret, a headless worker Service', () => {
    const sts = find('StatefulSet', 'aira-worker') as unknown as {
      spec: {
        serviceName: string;
        template: {
          spec: {
            containers: Array<{ args: string[]; resources: { limits: Record<string, unknown> } }>;
            volumes: Array<{ secret?: { secretName: string } }>;
          };
        };
      };
    };
    const job = find('Job', 'aira-coordinator') as unknown as {
      spec: {
        template: {
          spec: {
            containers: Array<{ args: string[] }>;
            volumes: Array<{ secret?: { secretName: string } }>;
          };
        };
      };
    };
    const coordSvc = find('Service', 'aira-coordinator') as unknown as {
      spec: { ports: Array<{ port: number }> };
    };
    const workerSvc = find('Service', 'aira-workers') as unknown as { spec: { clusterIP: string } };
    const worker = sts.spec.template.spec.containers[0]!;
    const coordinator = job.spec.template.spec.containers[0]!;
    const dial = worker.args[worker.args.indexOf('--coordinator') + 1]!;
    expect(dial).toBe(`aira-coordinator:${coordSvc.spec.ports[0]!.port}`);
    expect(coordinator.args[coordinator.args.indexOf('--workers') + 1]).toBe(
      `register:0.0.0.0:${coordSvc.spec.ports[0]!.port}`,
    );
    expect(worker.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(sts.spec.serviceName).toBe('aira-workers');
    expect(workerSvc.spec.clusterIP).toBe('None');
    const secretOf = (v: Array<{ secret?: { secretName: string } }>) =>
      v.find((x) => x.secret)?.secret?.secretName;
    expect(secretOf(sts.spec.template.spec.volumes)).toBe('aira-token');
    expect(secretOf(job.spec.template.spec.volumes)).toBe('aira-token');
  });
});
