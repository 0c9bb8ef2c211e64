import { describe, expect, it } from 'vitest';
import { MarkerStripper } from './marker.js';

const MARK = Buffer.from('__aira_end_0123456789abcdef__');

/** Feeds `text` in the given chunk sizes and returns what passes through. */
function feed(text: string, sizes: number[]): { out: string; done: boolean } {
  const s = new MarkerStripper(MARK);
  const data = Buffer.from(text);
  let out = '';
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const n = sizes[i++ % sizes.length]!;
    out += s.push(data.subarray(at, at + n)).toString();
    at += n;
  }
  return { out, done: s.done };
}

describe('MarkerStripper', () => {
  it('strips the marker however the chunks split it', () => {
    const text = `hello\nworld${MARK.toString()}`;
    for (let size = 1; size <= text.length; size++) {
      expect(feed(text, [size])).toEqual({ out: 'hello\nworld', done: true });
    }
    expect(feed(text, [3, 1, 7, 2])).toEqual({ out: 'hello\nworld', done: true });
  });

  it('passes text that only looks like the start of the marker', () => {
    const text = `a__aira_end_01 b __aira${MARK.toString()}`;
    expect(feed(text, [2])).toEqual({ out: 'a__aira_end_01 b __aira', done: true });
  });

  it('holds back a possible marker start and gives it back when the stream ends without one', () => {
    const s = new MarkerStripper(MARK);
    expect(s.push(Buffer.from('abc__aira_e')).toString()).toBe('abc');
    expect(s.done).toBe(false);
    expect(s.flush().toString()).toBe('__aira_e');
  });

  it('drops what follows the marker (background output after the request)', () => {
    expect(feed(`x${MARK.toString()}late`, [100])).toEqual({ out: 'x', done: true });
  });
});
