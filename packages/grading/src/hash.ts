/** Hashing shared by the id index, the packed-key table and the label dictionary. */

/** murmur3's finaliser: every input bit reaches the low bits a table is indexed by. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over buf[start, end), finalised; a signed 32-bit value. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let p = start; p < end; p++) h = Math.imul(h ^ buf[p]!, 0x01000193);
  return fmix32(h) | 0;
}
