import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository's proto/ folder (source of truth of the wire contract). */
export const PROTO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../proto');
