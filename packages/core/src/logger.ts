import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
];

export interface LoggerOptions {
  /** Minimum level on the terminal. */
  level?: string;
  /** NDJSON log file (all levels from debug up). */
  file?: string;
  /** Human-readable lines on stderr when it is a terminal, JSON otherwise. */
  pretty?: boolean;
  /** Nothing on the terminal (file only). */
  quiet?: boolean;
  name?: string;
}

/**
 * The one root logger of a process. Children carry bindings such as
 * `{ worker }`, `{ session }`, `{ exec }`; secrets are redacted on every path.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.AIRA_LOG_LEVEL ?? 'info';
  const targets: pino.TransportTargetOptions[] = [];
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    targets.push({
      target: 'pino/file',
      level: 'debug',
      options: { destination: options.file, mkdir: true },
    });
  }
  if (!options.quiet) {
    const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
    targets.push(
      pretty
        ? {
            target: 'pino-pretty',
            level,
            options: { destination: 2, colorize: true, ignore: 'pid,hostname' },
          }
        : { target: 'pino/file', level, options: { destination: 2 } },
    );
  }
  const base = { name: options.name ?? 'aira', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (targets.length === 0) return pino({ ...base, level: 'silent' });
  const minLevel = options.file ? 'debug' : level;
  return pino({ ...base, level: minLevel }, pino.transport({ targets }));
}

/** A logger that writes nothing: for libraries used without a caller's logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
