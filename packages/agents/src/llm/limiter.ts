/** A counting semaphore with a FIFO queue; a waiter leaves the queue when its signal aborts. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void }> = [];

  constructor(private limit: number) {}

  /** Changes the limit; waiters are let in when it grows. */
  resize(limit: number): void {
    this.limit = limit;
    this.drain();
  }

  get inFlight(): number {
    return this.active;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.limit && this.waiting.length === 0) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(
          signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason ?? 'aborted')),
        );
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      this.active++;
      this.waiting.shift()!.grant();
    }
  }
}

const endpoints = new Map<string, Semaphore>();

/**
 * The one semaphore of an endpoint in this process: every job of every run that talks to the same
 * base URL shares it (one vLLM server behind many workers).
 */
export function endpointLimiter(baseUrl: string, limit: number): Semaphore {
  const key = baseUrl.replace(/\/+$/, '');
  let s = endpoints.get(key);
  if (!s) endpoints.set(key, (s = new Semaphore(limit)));
  else s.resize(limit); // the latest configuration of the endpoint wins
  return s;
}
