import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateEncryptionKey } from './encryption';

export interface GeneratedSecret {
  value: string;
  file: string;
  created: boolean;
}

/** Reads a secret kept in the data folder, creating it (mode 0600) on first use. */
function readOrCreate(dataDir: string, name: string, generate: () => string): GeneratedSecret {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), file, created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = generate();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, file, created: true };
}

export function localApiKey(dataDir: string): GeneratedSecret {
  return readOrCreate(dataDir, 'api-key', () => `pk_${randomBytes(24).toString('base64url')}`);
}

export function localEncryptionKey(dataDir: string): GeneratedSecret {
  return readOrCreate(dataDir, 'encryption-key', generateEncryptionKey);
}
