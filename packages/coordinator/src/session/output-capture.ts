/**
 * Keeps the head and the tail of a stream of output in bounded memory; the complete output is in
 * the exec's log file. Agents see `text()` (head, a marker, tail).
 */
export class OutputCapture {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(
    private readonly headLimit = 64 * 1024,
    private readonly tailLimit = 1024 * 1024,
  ) {}

  push(data: Buffer): void {
    this.total += data.length;
    if (this.headBytes < this.headLimit) {
      const take = data.subarray(0, this.headLimit - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      data = data.subarray(take.length);
    }
    if (data.length === 0) return;
    this.tail.push(data);
    this.tailBytes += data.length;
    while (this.tailBytes - this.tail[0]!.length >= this.tailLimit)
      this.tailBytes -= this.tail.shift()!.length;
  }

  get bytes(): number {
    return this.total;
  }

  get clipped(): boolean {
    return this.total > this.headBytes + this.tailBytes || this.tailBytes > this.tailLimit;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.tailLimit) tail = tail.subarray(tail.length - this.tailLimit);
    const dropped = this.total - this.headBytes - tail.length;
    return dropped > 0
      ? `${head}\n[... ${dropped} bytes not shown; the whole output is in the exec log ...]\n${tail.toString('utf8')}`
      : head + tail.toString('utf8');
  }
}
