import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ConfigError } from '@aira/core';

/** Reads a shared token file (trailing whitespace ignored); a missing or empty file is a ConfigError. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read token file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const token = text.trim();
  if (!token) throw new ConfigError(`token file ${path} is empty`);
  return token;
}

/** Reads the token file if it exists, else makes a new token and writes it with mode 0600. */
export function ensureTokenFile(path: string): string {
  if (existsSync(path)) return readTokenFile(path);
  mkdirSync(dirname(path), { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}

export function bearerMetadata(token: string): Metadata {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

/**
 * Constant-time check of `authorization: Bearer <token>` metadata. The scheme matches in any
 * case, as HTTP's does (RFC 9110 §11.1); the token must match exactly.
 */
export function hasValidToken(metadata: Metadata, token: string): boolean {
  const values = metadata.get('authorization');
  if (values.length !== 1 || typeof values[0] !== 'string') return false;
  const m = /^bearer +(.*)$/i.exec(values[0]);
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unauthenticated(): Partial<ServiceError> {
  return { code: status.UNAUTHENTICATED, details: 'missing or wrong token (authorization: Bearer ...)' };
}
