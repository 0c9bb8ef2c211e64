// File transfer into a real worker (`aira worker` as a child process, gRPC over 127.0.0.1):
// upload throughput of a 500 MB folder beside a plain local copy of the same bytes in this
// process (the ratio is the figure), then the time of a re-upload the content cache answers.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withWorkerProcess } from './worker-process.mjs';

const TOTAL_BYTES = 500 * 1000 * 1000;
const FILES = 50; // 10 MB each, plus a tail of small files as real data sets have
const SMALL = 200;

async function upload({ report, root }) {
  const { uploadFolder } = await import(join(root, 'packages/worker/dist/index.js'));

  const tmp = mkdtempSync(join(tmpdir(), 'aira-bench-files-'));
  const src = join(tmp, 'data');
  mkdirSync(join(src, 'small'), { recursive: true });
  const big = Math.floor((TOTAL_BYTES - SMALL * 4096) / FILES);
  for (let i = 0; i < FILES; i++)
    writeFileSync(join(src, `part-${String(i).padStart(2, '0')}.bin`), randomBytes(big));
  for (let i = 0; i < SMALL; i++) writeFileSync(join(src, 'small', `f${i}.csv`), randomBytes(4096));
  const bytes = FILES * big + SMALL * 4096;

  // Baseline: the same files copied on the same disk by this process.
  const copyDir = join(tmp, 'copy');
  const t0 = performance.now();
  mkdirSync(join(copyDir, 'small'), { recursive: true });
  for (const name of readdirSync(src))
    if (name !== 'small') copyFileSync(join(src, name), join(copyDir, name), 0);
  for (const name of readdirSync(join(src, 'small')))
    copyFileSync(join(src, 'small', name), join(copyDir, 'small', name), 0);
  const copyS = (performance.now() - t0) / 1000;
  rmSync(copyDir, { recursive: true, force: true });

  try {
    await withWorkerProcess(root, async ({ connection: conn }) => {
      const open = (id) =>
        conn.unary('openSession', { sessionId: id, labels: {}, dataPath: '', limits: undefined, env: {} });
      await open('bench-1');
      const t1 = performance.now();
      const first = await uploadFolder(conn, 'bench-1', src, 'data');
      const uploadS = (performance.now() - t1) / 1000;
      if (first.bytesReceived !== bytes)
        throw new Error(`first upload received ${first.bytesReceived} of ${bytes} bytes`);

      await open('bench-2');
      const t2 = performance.now();
      const again = await uploadFolder(conn, 'bench-2', src, 'data');
      const reuploadS = (performance.now() - t2) / 1000;
      if (again.bytesReceived !== 0)
        throw new Error(`cached re-upload still sent ${again.bytesReceived} bytes`);

      const mb = bytes / 1e6;
      report(
        'worker.files.upload.throughput',
        mb / uploadS,
        'MB/s',
        `${FILES + SMALL} files, ${mb.toFixed(0)} MB, hash + HasBlobs + PutFiles`,
      );
      report(
        'worker.files.local_copy.throughput',
        mb / copyS,
        'MB/s',
        'baseline: copyFile of the same files',
      );
      report(
        'worker.files.upload.ratio',
        copyS / uploadS,
        'ratio',
        'upload throughput / local copy throughput',
      );
      report(
        'worker.files.reupload.time',
        reuploadS * 1000,
        'ms',
        `cache hits ${again.cacheHits}, bytes sent 0`,
      );
      report(
        'worker.files.reupload.ratio',
        reuploadS / uploadS,
        'ratio',
        'cached re-upload time / first upload time',
      );
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const parts = { upload };
