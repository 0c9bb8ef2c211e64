import { deflateSync, inflateSync } from 'node:zlib';

/**
 * Removes every struct field named `field` from a MATLAB 5 (v5/v7) MAT-file, at any depth of
 * nested structs, replacing its value with an empty double matrix `[]` (multi-modal-gesture's
 * `_data.mat` keeps `Video.Labels`, the answers, beside the skeleton frames; docs/hce-recipes.md).
 * Compressed variables (miCOMPRESSED) are inflated, edited and deflated again. Returns null when
 * the bytes are not a little-endian MAT v5 file this reader understands (the caller then withholds
 * the file), and the input unchanged when there is no such field.
 */
export function stripMatField(file: Uint8Array, field: string): Uint8Array | null {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (
    buf.length < 128 ||
    buf.toString('latin1', 0, 6) !== 'MATLAB' ||
    buf.toString('latin1', 126, 128) !== 'IM'
  )
    return null;
  const out: Buffer[] = [buf.subarray(0, 128)];
  let changed = false;
  try {
    for (let at = 128; at < buf.length;) {
      const type = buf.readUInt32LE(at);
      const size = buf.readUInt32LE(at + 4);
      if (type >> 16 !== 0) return null; // small elements do not occur at top level
      const body = buf.subarray(at + 8, at + 8 + size);
      if (body.length !== size) return null;
      const next = type === MI_COMPRESSED ? at + 8 + size : at + 8 + pad8(size);
      if (type === MI_COMPRESSED) {
        const inner = inflateSync(body);
        const edited = editElement(inner, field);
        if (edited === null) return null;
        if (edited !== inner) {
          changed = true;
          const z = deflateSync(edited);
          out.push(tag(MI_COMPRESSED, z.length), z);
        } else out.push(buf.subarray(at, next));
      } else if (type === MI_MATRIX) {
        const whole = buf.subarray(at, at + 8 + pad8(size));
        const edited = editElement(whole, field);
        if (edited === null) return null;
        if (edited !== whole) changed = true;
        out.push(edited);
      } else out.push(buf.subarray(at, next));
      at = next;
    }
  } catch {
    return null;
  }
  return changed ? Buffer.concat(out) : file;
}

const MI_INT8 = 1;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_DOUBLE = 9;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MX_STRUCT = 2;
const MX_DOUBLE = 6;

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

function tag(type: number, size: number): Buffer {
  const t = Buffer.alloc(8);
  t.writeUInt32LE(type, 0);
  t.writeUInt32LE(size, 4);
  return t;
}

/** An empty double matrix `[]` as a miMATRIX element. */
function emptyMatrix(): Buffer {
  const flags = Buffer.concat([tag(MI_UINT32, 8), Buffer.from([MX_DOUBLE, 0, 0, 0, 0, 0, 0, 0])]);
  const dims = Buffer.concat([tag(MI_INT32, 8), Buffer.alloc(8)]);
  const name = tag(MI_INT8, 0);
  const real = tag(MI_DOUBLE, 0);
  const body = Buffer.concat([flags, dims, name, real]);
  return Buffer.concat([tag(MI_MATRIX, body.length), body]);
}

/** One sub-element at `at`: its whole bytes (tag, data, padding) and where the next starts. */
function sub(buf: Buffer, at: number): { type: number; data: Buffer; end: number } {
  const first = buf.readUInt32LE(at);
  if (first >> 16 !== 0) {
    const size = first >> 16;
    return { type: first & 0xffff, data: buf.subarray(at + 4, at + 4 + size), end: at + 8 };
  }
  const size = buf.readUInt32LE(at + 4);
  if (at + 8 + size > buf.length) throw new Error('element runs past its parent');
  return { type: first, data: buf.subarray(at + 8, at + 8 + size), end: at + 8 + pad8(size) };
}

/**
 * A miMATRIX element (tag included) with `field` emptied in every struct inside it; the same
 * Buffer when nothing changed, null when it cannot be read.
 */
function editElement(el: Buffer, field: string): Buffer | null {
  if (el.readUInt32LE(0) !== MI_MATRIX) return el;
  const size = el.readUInt32LE(4);
  const end = 8 + size;
  let at = 8;
  const flags = sub(el, at);
  if (flags.type !== MI_UINT32 || flags.data.length < 8) return null;
  const cls = flags.data[0]!;
  at = flags.end;
  const dims = sub(el, at);
  at = dims.end;
  const nameEl = sub(el, at);
  at = nameEl.end;
  if (cls !== MX_STRUCT) return el;
  let count = 1;
  for (let i = 0; i + 4 <= dims.data.length; i += 4) count *= dims.data.readInt32LE(i);
  const lenEl = sub(el, at);
  at = lenEl.end;
  const nameLen = lenEl.data.readInt32LE(0);
  const namesEl = sub(el, at);
  at = namesEl.end;
  const names: string[] = [];
  for (let i = 0; i + nameLen <= namesEl.data.length && nameLen > 0; i += nameLen)
    names.push(namesEl.data.toString('latin1', i, i + nameLen).replace(/\0.*$/s, ''));
  const head = el.subarray(8, at);
  const parts: Buffer[] = [];
  let changed = false;
  for (let k = 0; k < count * names.length; k++) {
    if (at >= end) return null;
    const len = 8 + pad8(el.readUInt32LE(at + 4));
    const value = el.subarray(at, at + len);
    at += len;
    if (names[k % names.length] === field) {
      parts.push(emptyMatrix());
      changed = true;
      continue;
    }
    const edited = editElement(value, field);
    if (edited === null) return null;
    if (edited !== value) changed = true;
    parts.push(edited);
  }
  if (!changed) return el;
  const body = Buffer.concat([head, ...parts]);
  return Buffer.concat([tag(MI_MATRIX, body.length), body]);
}
