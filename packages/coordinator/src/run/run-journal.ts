import type { EventBody, JournalEvent } from '../journal/events.js';
import type { JournalWriter } from '../journal/writer.js';
import { applyEvent, type RunState } from '../state/run-state.js';

/**
 * A run's journal as the run loop writes it: each event is folded into the run's state at once
 * (the same fold that rebuilds it on resume) and is on disk when the returned promise resolves.
 */
export class RunJournal {
  constructor(
    private readonly writer: JournalWriter,
    private readonly state: RunState,
    private readonly on: {
      /** Every event, as it is written and folded. */
      event: (e: JournalEvent) => void;
      /** A write failed: without a journal nothing may go on. */
      failed: (err: unknown) => void;
    },
  ) {}

  /** Writes an event, folds it into the state at once, and resolves when it is on disk. */
  emit(body: EventBody): Promise<JournalEvent> {
    let written: ReturnType<RunJournal['write']>;
    try {
      written = this.write(body);
    } catch (err) {
      return Promise.reject(err);
    }
    return written.durable.then(() => written.event);
  }

  /**
   * Writes an event into the file (it survives this process from here on) and folds it into the
   * state; `durable` resolves when it is on disk. Throws when the line could not be written.
   */
  write(body: EventBody): { event: JournalEvent; durable: Promise<void> } {
    let written: ReturnType<JournalWriter['write']>;
    try {
      written = this.writer.write(body);
    } catch (err) {
      this.on.failed(err);
      throw err;
    }
    const { event, durable } = written;
    applyEvent(this.state, event);
    this.on.event(event);
    return {
      event,
      durable: durable.catch((err: unknown) => {
        this.on.failed(err);
        throw err;
      }),
    };
  }

  /**
   * `emit` for events whose write failure needs no handling where they are written: `failed` has
   * already been told (it logs and ends the run).
   */
  async note(body: EventBody): Promise<void> {
    await this.emit(body).catch(() => undefined);
  }

  /** `note` without waiting: the event is folded into the state at once. */
  now(body: EventBody): void {
    void this.note(body);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
