import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Redactor } from './redact.js';

/** Where the client writes every request, response and failed attempt. */
export interface LlmLog {
  write(entry: Record<string, unknown>): Promise<void>;
}

/**
 * A JSON-lines file (one entry per line, appended in order). Entries are redacted before they
 * are written; a failing disk is reported once and never fails the call that was being logged.
 */
export function jsonlLog(path: string, redactor: Redactor, onError?: (err: unknown) => void): LlmLog {
  let chain: Promise<void> = mkdir(dirname(path), { recursive: true }).then(() => undefined);
  let failed = false;
  return {
    write(entry) {
      const line = `${JSON.stringify(redactor.value({ t: new Date().toISOString(), ...entry }))}\n`;
      chain = chain
        .then(() => appendFile(path, line))
        .catch((err: unknown) => {
          if (!failed) onError?.(err);
          failed = true;
        });
      return chain;
    },
  };
}

/** A log that keeps nothing (a client used outside a run). */
export const noLog: LlmLog = { write: async () => undefined };
