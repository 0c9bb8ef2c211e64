/**
 * Finds a per-exec end marker in one output stream and strips it. Chunks may split the marker
 * anywhere, so bytes that could be the start of the marker are held back until the next chunk
 * tells whether they are (held back at most marker.length - 1 bytes).
 */
export class MarkerStripper {
  private held: Buffer = Buffer.alloc(0);
  private found = false;

  constructor(private readonly marker: Buffer) {}

  get done(): boolean {
    return this.found;
  }

  /** Returns the bytes that belong to the exec's output; after the marker, everything is dropped. */
  push(chunk: Buffer): Buffer {
    if (this.found) return EMPTY;
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      this.found = true;
      this.held = EMPTY;
      return data.subarray(0, at);
    }
    const keep = heldSuffix(data, this.marker);
    this.held = keep ? Buffer.from(data.subarray(data.length - keep)) : EMPTY;
    return data.subarray(0, data.length - keep);
  }

  /** What was held back when the stream ends without its marker (the process died). */
  flush(): Buffer {
    const rest = this.held;
    this.held = EMPTY;
    return rest;
  }
}

const EMPTY = Buffer.alloc(0);

/** Length of the longest suffix of data that is a proper prefix of marker. */
function heldSuffix(data: Buffer, marker: Buffer): number {
  const max = Math.min(marker.length - 1, data.length);
  for (let n = max; n > 0; n--) {
    if (data[data.length - n] !== marker[0]) continue;
    if (data.subarray(data.length - n).equals(marker.subarray(0, n))) return n;
  }
  return 0;
}
