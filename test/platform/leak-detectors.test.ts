import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCredentials, findEmails, findLeaks, findPhoneNumbers, type KnownCredential } from '../support/audit/leak-detectors';
import { auditResponse, formatFindings, logEntries } from '../support/audit/run-audit';

describe('leak detectors of the secrets and personal-data audit', () => {
  it('finds e-mail addresses, URL-encoded ones too', () => {
    for (const text of [
      'owner.12@example-homes.com',
      'contact: " Owner.7@Example-Homes.com"',
      '{"email":"john.smith.31@example.com"}',
      'GET /contacts/search/duplicate?email=owner.4%40example-homes.com&locationId=L',
      'mailto:a+tag@mail.example.co.uk.',
    ]) {
      assert.equal(findEmails(text).length, 1, text);
    }
  });

  it('does not take package specifiers, scoped packages, worker identities or protobuf type URLs for e-mail addresses', () => {
    for (const text of ['pino@10.4.0', 'node_modules/@temporalio/worker/lib', '@hono/zod-openapi', 'user@localhost', 'a @ b.com', 'x@y',
      String.raw`details: b"\x1aB\n@type.googleapis.com/temporal.api.errordetails.v1.NotFoundFailure"`, 'any@type.googleapis.com/temporal.api.failure.v1.Failure']) {
      assert.deepEqual(findEmails(text), [], text);
    }
  });

  it('finds phone numbers in E.164 and in North-American, UK and Polish writing', () => {
    for (const text of [
      '+12122011000',
      'phone "+1 212 201 1000"',
      '(212) 201-1000',
      '212.201.1000',
      '1-212-201-1000',
      '813 555 0042',
      '+44 20 7946 0018',
      '020 7946 0018',
      '07700 900123',
      '+48 512 345 678',
      '512 345 678',
      '512-345-678',
      '22 123 45 67',
      '{"phone":"+48512345678"}',
    ]) {
      assert.equal(findPhoneNumbers(text).length, 1, text);
    }
  });

  it('does not take ids, counts, dates, timestamps, UUIDs, versions or addresses for phone numbers', () => {
    for (const text of [
      '2122011000',
      '1700000000000',
      'eventId 1234567',
      '2024-01-15',
      '2024-01-15T10:00:00.000+01:00',
      '2024-01-15 12:30:45',
      'run 0190c0f6-8a3d-7c2e-9a40-123456789012',
      'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      'duration_ms 373.074942',
      '{"seconds":"1712345678","nanos":123000000}',
      'v1.24.0',
      '127.0.0.1:54329',
      'permits 250 of 3000, pages 12 of 120',
      '[201,202,203,204]',
      'counts 100 200 3000',
      'AX1234567890',
      'record 2024-HVAC-000123',
      'R-123-456-7890',
      'abc+12345678901xyz',
    ]) {
      assert.deepEqual(findPhoneNumbers(text), [], text);
    }
  });

  const credentials: KnownCredential[] = [
    { label: 'token', value: 'pit-1234/abcd', kind: 'secret' },
    { label: 'app', value: 'my-app', kind: 'account-identifier' },
  ];

  it('finds known credentials as they are and URL-encoded, and masks them', () => {
    assert.deepEqual(findCredentials('Authorization: Bearer pit-1234/abcd', credentials).map((c) => c.label), ['token']);
    assert.deepEqual(findCredentials('?token=pit-1234%2Fabcd', credentials).map((c) => c.label), ['token']);
    assert.deepEqual(findCredentials('nothing here', credentials), []);
    const [leak] = findLeaks('Bearer pit-1234/abcd', credentials);
    assert.equal(leak?.kind, 'credential');
    assert.ok(!leak.masked.includes('pit-1234/abcd'), leak.masked);
  });

  it('masks e-mail addresses and phone numbers in what it reports', () => {
    const masked = findLeaks('owner.12@example.com (212) 201-1000', []).map((leak) => leak.masked).join(' ');
    assert.ok(!masked.includes('owner.12') && !masked.includes('201-1000'), masked);
  });

  it('reads pino lines and Temporal SDK log entries (multi-line, coloured), not the test runner report', () => {
    const output = [
      '{"level":40,"time":1,"msg":"lead owner.1@example.com"}',
      '✖ fails (3ms)',
      "  AssertionError: expected 'owner.2@example.com'",
      '2025-01-01T00:00:00.000Z [WARN] Activity failed {',
      "  error: 'phone (212) 201-1000 refused'",
      '}',
      '▶ next suite',
      '\u001b[2m2026-12-03T06:45:41.558190Z\u001b[0m \u001b[33m WARN\u001b[0m temporalio_sdk_core::worker: failed for owner.3@example.com',
    ].join('\n');
    const entries = logEntries(output);
    assert.deepEqual(entries.map((entry) => entry.line), [1, 4, 8]);
    assert.match(entries[1]!.text, /201-1000/);
    assert.deepEqual(entries.flatMap((entry) => findLeaks(entry.text, [])).map((leak) => leak.kind), ['email', 'phone', 'email']);
  });

  it('lets contact-data routes answer with owner contacts, but no error, no other route and no credential', () => {
    const body = JSON.stringify({ owner_email: 'owner.1@example.com', owner_phone: '(212) 201-1000' });
    const kinds = (method: string, url: string, status: number, text = body) =>
      auditResponse({ method, url, status, body: text }, 'test', credentials).map((finding) => finding.kind).sort();
    assert.deepEqual(kinds('GET', '/api/leads?tier=HOT', 200), []);
    assert.deepEqual(kinds('GET', '/api/permits/12', 200), []);
    assert.deepEqual(kinds('GET', '/api/leads', 400), ['email', 'phone']);
    assert.deepEqual(kinds('GET', '/api/summit/sync-status', 200), ['email', 'phone']);
    assert.deepEqual(kinds('GET', '/api/leads', 200, 'pit-1234/abcd'), ['credential']);
    assert.deepEqual(kinds('GET', '/api/counties/3', 200, '{"app_id":"my-app"}'), []);
    assert.deepEqual(kinds('GET', '/api/health', 200, '{"app_id":"my-app"}'), ['credential']);
  });

  it('reports each distinct finding once, counted by kind', () => {
    const finding = { kind: 'email' as const, where: 'log x:1', what: 'o***@example.com' };
    const report = formatFindings([finding, finding, { kind: 'phone', where: 'log x:2', what: '(##…00' }]);
    assert.match(report, /^2 finding\(s\): 1 email, 1 phone/);
  });
});
