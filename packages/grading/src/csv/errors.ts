import { UserError } from '@aira/core/errors';

/** A CSV that cannot be read at all (ragged rows, unterminated quote, unreadable file). */
export class CsvError extends UserError {
  override name = 'CsvError';
}
