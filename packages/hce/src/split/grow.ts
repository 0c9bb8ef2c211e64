/** A growable Uint32Array (per-row unit and stratum codes for files with tens of millions of rows). */
export class GrowU32 {
  private buf = new Uint32Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = x;
  }

  at(i: number): number {
    return this.buf[i]!;
  }

  view(): Uint32Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Interns strings as dense codes 0, 1, 2… in order of first appearance. */
export class Interner {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(value: string): number {
    let c = this.codes.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.codes.set(value, c);
      this.values.push(value);
    }
    return c;
  }

  /** Codes renumbered so that their order follows the sorted values (independent of row order). */
  sortedRemap(): Uint32Array {
    const order = this.values.map((v, i) => ({ v, i })).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
    const remap = new Uint32Array(this.values.length);
    order.forEach((o, rank) => (remap[o.i] = rank));
    return remap;
  }
}
