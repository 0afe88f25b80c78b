import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

export class EncryptionKeyError extends Error {
  override name = 'EncryptionKeyError';
}

export function parseEncryptionKey(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) {
    throw new EncryptionKeyError(`ENCRYPTION_KEY must be 32 bytes encoded as base64; got ${key.length} bytes`);
  }
  return key;
}

export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/** AES-256-GCM with a fresh IV per value; the output is self-describing (`v1:iv:tag:ciphertext`). */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  static fromBase64(base64Key: string): SecretBox {
    return new SecretBox(parseEncryptionKey(base64Key));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT_VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(':');
    if (version !== FORMAT_VERSION || !iv || !tag || ciphertext === undefined) {
      throw new EncryptionKeyError('Encrypted value is not in the v1 format');
    }
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}

/**
 * What an API response shows of a secret: enough to recognise it, never enough to use it. Counted in
 * characters (code points), so the mask never holds half of a surrogate pair.
 */
export function maskSecret(secret: string | null | undefined): string | null {
  if (!secret) return null;
  const characters = Array.from(secret);
  if (characters.length <= 8) return '****';
  return `${characters.slice(0, 2).join('')}****${characters.slice(-2).join('')}`;
}
