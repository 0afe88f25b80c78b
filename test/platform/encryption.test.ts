import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncryptionKeyError, generateEncryptionKey, maskSecret, SecretBox } from '../../platform/encryption';

describe('SecretBox (AES-256-GCM)', () => {
  it('round-trips a secret and never produces the same ciphertext twice', () => {
    const box = SecretBox.fromBase64(generateEncryptionKey());
    const first = box.encrypt('app-secret-ü');
    const second = box.encrypt('app-secret-ü');
    assert.notEqual(first, second);
    assert.ok(!first.includes('app-secret'));
    assert.equal(box.decrypt(first), 'app-secret-ü');
  });

  it('refuses a tampered ciphertext', () => {
    const box = SecretBox.fromBase64(generateEncryptionKey());
    const [version, iv, tag, data] = box.encrypt('secret').split(':');
    const flipped = Buffer.from(data!, 'base64');
    flipped[0]! ^= 1;
    assert.throws(() => box.decrypt([version, iv, tag, flipped.toString('base64')].join(':')));
  });

  it('refuses a value sealed with another key', () => {
    const sealed = SecretBox.fromBase64(generateEncryptionKey()).encrypt('secret');
    assert.throws(() => SecretBox.fromBase64(generateEncryptionKey()).decrypt(sealed));
  });

  it('rejects keys that are not 32 bytes', () => {
    assert.throws(() => SecretBox.fromBase64(Buffer.alloc(16).toString('base64')), EncryptionKeyError);
  });

  it('masks secrets without revealing them', () => {
    assert.equal(maskSecret('abcdefghijkl'), 'ab****kl');
    assert.equal(maskSecret('short'), '****');
    assert.equal(maskSecret(''), null);
  });

  it('masks by characters: never half of one, which would make the answer invalid Unicode (found by the API fuzz test)', () => {
    const masked = maskSecret('😀🔑secret-value🗝️x');
    assert.equal(masked, '😀🔑****️x');
    assert.doesNotMatch(masked!, /[\uD800-\uDFFF]/u, 'no lone surrogate in the mask');
    assert.equal(maskSecret('😀😀😀😀😀😀😀😀'), '****', 'eight characters are short, whatever their UTF-16 length');
  });
});
