import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/fixtures.js';
import { stripMatField } from './mat.js';

const dir = tempDir('mat');
const py = (code: string) => execFileSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });

/** A gesture recording's _data.mat as scipy (like MATLAB) writes it: Video with frames and Labels. */
const WRITE = `
import numpy as np, scipy.io as sio, sys
labels = np.zeros((1, 3), dtype=[('Name', 'O'), ('Begin', 'O'), ('End', 'O')])
for i, (n, b, e) in enumerate([('vattene', 10, 40), ('ok', 50, 80), ('basta', 90, 120)]):
    labels[0, i] = (n, b, e)
video = {'NumFrames': 1234, 'FrameRate': 20, 'Frames': np.arange(6.0).reshape(2, 3), 'MaxDepth': 4000, 'Labels': labels}
sio.savemat(sys.argv[1] if len(sys.argv) > 1 else '${dir}/plain.mat', {'Video': video, 'Other': 7.0}, do_compression=False)
sio.savemat('${dir}/zip.mat', {'Video': video, 'Other': 7.0}, do_compression=True)
`;
const READ = (f: string) => `
import scipy.io as sio, json
m = sio.loadmat('${f}', squeeze_me=True, struct_as_record=False)
v = m['Video']
print(json.dumps({'labels': getattr(v.Labels, 'size', None), 'frames': v.Frames.tolist(), 'n': int(v.NumFrames), 'other': float(m['Other'])}))
`;

describe('stripping the labels out of a MAT-file', () => {
  it('empties Video.Labels in plain and compressed MAT v5 files and keeps every other value (read back by scipy)', () => {
    py(WRITE);
    for (const name of ['plain.mat', 'zip.mat']) {
      const src = readFileSync(join(dir, name));
      const before = JSON.parse(py(READ(join(dir, name)))) as Record<string, unknown>;
      expect(before['labels']).toBe(3);
      const out = stripMatField(src, 'Labels');
      expect(out).not.toBeNull();
      writeFileSync(join(dir, `stripped-${name}`), out!);
      expect(JSON.parse(py(READ(join(dir, `stripped-${name}`))))).toEqual({
        labels: 0,
        frames: [
          [0, 1, 2],
          [3, 4, 5],
        ],
        n: 1234,
        other: 7,
      });
      expect(Buffer.from(out!).includes(Buffer.from('vattene'))).toBe(false);
    }
  });

  it('returns null for bytes that are not a MAT v5 file, and the same bytes when there is no such field', () => {
    expect(stripMatField(Buffer.from('MATLAB 5.0 MAT-file, but cut short'), 'Labels')).toBeNull();
    const src = readFileSync(join(dir, 'plain.mat'));
    expect(stripMatField(src, 'NoSuchField')).toBe(src);
  });
});

describe('a gesture sample zip', () => {
  it('keeps its _data.mat with Labels emptied, and withholds one that is not a MAT-file', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const { withoutLabels } = await import('./multi-modal-gesture-recognition.js');
    const mat = readFileSync(join(dir, 'zip.mat'));
    const zip = zipSync({
      'Sample00001_data.mat': mat,
      'Sample00001_color.mp4': Buffer.from('video'),
      'Sample00002_data.mat': Buffer.from('not a mat: vattene 10 40'),
    });
    const out = unzipSync(withoutLabels(zip, 'test'));
    expect(Object.keys(out).sort()).toEqual(['Sample00001_color.mp4', 'Sample00001_data.mat']);
    writeFileSync(join(dir, 'from-zip.mat'), out['Sample00001_data.mat']!);
    expect(JSON.parse(py(READ(join(dir, 'from-zip.mat'))))).toMatchObject({ labels: 0, n: 1234 });
  });
});
