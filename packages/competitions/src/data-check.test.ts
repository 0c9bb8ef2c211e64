import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkData, prepareCommand } from './data-check.js';
import { MLEBENCH_DEFAULT_DATA } from './paths.js';
import { loadRegistry } from './registry.js';
import { fileTempDir as tempDir, md5, repoRoot, writeChecksumRegistry } from '@aira/testing';

const REPO_ROOT = repoRoot();

/**
 * A synthetic MLE-bench registry (checksums.yaml per competition) and data folder, built here:
 * real prepared files cannot be fabricated to match MLE-bench's own MD5s.
 */
function syntheticData() {
  const t = tempDir('data');
  const files: Record<string, Record<string, string>> = {
    'spaceship-titanic': {
      'public/train.csv': 'PassengerId,Transported\n0001_01,True\n',
      'public/test.csv': 'PassengerId\n0002_01\n',
      'public/sample_submission.csv': 'PassengerId,Transported\n0002_01,False\n',
      'private/test.csv': 'PassengerId,Transported\n0002_01,True\n',
    },
    'spooky-author-identification': {
      'public/train.csv': 'id,text,author\nid1,"It was dark",EAP\n',
      'public/test.csv': 'id,text\nid2,"Then"\n',
      'public/sample_submission.csv': 'id,EAP,HPL,MWS\nid2,0.4,0.3,0.3\n',
      'private/test.csv': 'id,EAP,HPL,MWS\nid2,1,0,0\n',
    },
    'aptos2019-blindness-detection': {
      'public/train.csv': 'id_code,diagnosis\na,0\n',
      'public/test.csv': 'id_code\nb\n',
      'public/sample_submission.csv': 'id_code,diagnosis\nb,0\n',
      'private/test.csv': 'id_code,diagnosis\nb,2\n',
    },
  };
  writeChecksumRegistry(join(t.dir, 'registry'), files, '0123');
  // Right layout and content for spaceship; spooky has one edited file and one stray file; aptos is not prepared.
  for (const [p, c] of Object.entries(files['spaceship-titanic']!))
    t.write(`data/spaceship-titanic/prepared/${p}`, c);
  for (const [p, c] of Object.entries(files['spooky-author-identification']!))
    t.write(`data/spooky-author-identification/prepared/${p}`, c);
  t.write(
    'data/spooky-author-identification/prepared/public/train.csv',
    'id,text,author\nid1,"It was dark",HPL\n',
  );
  t.write('data/spooky-author-identification/prepared/private/extra.csv', 'x\n');
  return { data: join(t.dir, 'data'), registry: join(t.dir, 'registry'), files };
}

describe('checkData', () => {
  it('reports a prepared folder that matches, one with a wrong checksum, and one that is missing', async () => {
    const { data, registry, files } = syntheticData();
    const reg = await loadRegistry({
      pluginsDir: false,
      suitesDir: false,
      plugins: [join(REPO_ROOT, 'plugins', 'mlebench')],
    });
    const at = (id: string) => reg.create(id, { dataDir: data, registryDir: registry });

    const ok = await checkData(at('spaceship-titanic'));
    expect(ok).toMatchObject({ state: 'ok', checked: 4, files: [] });
    expect(ok.fix).toBeUndefined();

    const bad = await checkData(at('spooky-author-identification'));
    expect(bad.state).toBe('mismatch');
    expect(bad.files).toEqual([
      {
        file: 'public/train.csv',
        problem: 'checksum',
        expected: md5(files['spooky-author-identification']!['public/train.csv']!),
        actual: md5('id,text,author\nid1,"It was dark",HPL\n'),
      },
      { file: 'private/extra.csv', problem: 'extra' },
    ]);
    expect(bad.fix).toBe(
      `rm -rf ${join(data, 'spooky-author-identification', 'prepared')} && mlebench prepare -c spooky-author-identification --data-dir ${data}`,
    );

    const missing = await checkData(at('aptos2019-blindness-detection'));
    expect(missing.state).toBe('missing');
    expect(missing.fix).toBe(`mlebench prepare -c aptos2019-blindness-detection --data-dir ${data}`);

    // The default data folder needs no flag: the command is exactly MLE-bench's.
    const dflt = reg.create('aptos2019-blindness-detection', {
      registryDir: registry,
      dataDir: MLEBENCH_DEFAULT_DATA,
    });
    expect(prepareCommand(dflt, false)).toBe('mlebench prepare -c aptos2019-blindness-detection');

    // A second pass reads the MD5s from the cache beside prepared/ and says the same.
    expect((await checkData(at('spooky-author-identification'))).files).toEqual(bad.files);
    expect(await checkData(at('spooky-author-identification'), { quick: true })).toMatchObject({
      state: 'mismatch',
      files: [{ file: 'private/extra.csv', problem: 'extra' }],
    });
  });
});
