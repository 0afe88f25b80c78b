import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../platform/logger';
import { findLeaks, type KnownCredential } from '../support/audit/leak-detectors';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger(stream), lines };
}

describe('logger redaction', () => {
  const secrets: KnownCredential[] = [
    { label: 'app secret', value: 'app-secret-value', kind: 'secret' },
    { label: 'password', value: 'password-value', kind: 'secret' },
    { label: 'token', value: 'pit-token-value', kind: 'secret' },
    { label: 'API key', value: 'api-key-value', kind: 'secret' },
  ];

  it('never writes a secret or an owner contact logged by a careless call', () => {
    const { logger, lines } = capture();
    logger.warn({ county: { name: 'Null Island', appSecret: 'app-secret-value', password: 'password-value' } }, 'county');
    logger.warn({ config: { apiToken: 'pit-token-value' }, token: 'pit-token-value', headers: { authorization: 'Bearer pit-token-value', 'x-api-key': 'api-key-value' } }, 'request');
    logger.warn({ lead: { id: 7, ownerEmail: 'owner.7@example.com', ownerPhone: '(212) 201-1000' } }, 'lead');
    logger.warn({ lead: { id: 8, owner_email: 'owner.8@example.com', owner_phone: '+12122011000' }, email: 'owner.8@example.com', phone: '212.201.1000' }, 'row');
    logger.warn({ contact: { email: 'owner.9@example.com', phone: '+48 512 345 678' } }, 'contact');
    assert.equal(lines.length, 5);
    for (const line of lines) assert.deepEqual(findLeaks(line, secrets).map((leak) => leak.masked), [], line);
    assert.match(lines[2]!, /"id":7/, 'the rest of the object is kept');
  });
});
