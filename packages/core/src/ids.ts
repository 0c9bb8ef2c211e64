import { randomBytes } from 'node:crypto';

/** A short random id with a readable prefix, e.g. `ses-3f9a1c2b7d`. */
export function newId(prefix: string, bytes = 5): string {
  return `${prefix}-${randomBytes(bytes).toString('hex')}`;
}

/** A sortable id for studies: `20261130-143000-ab12`. */
export function timestampId(date = new Date()): string {
  const iso = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${randomBytes(2).toString('hex')}`;
}
