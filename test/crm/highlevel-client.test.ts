import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HighLevelClient } from '../../clients/highlevel/client';
import {
  errorForResponse,
  HighLevelAuthError,
  HighLevelBadRequestError,
  HighLevelDailyLimitError,
  HighLevelDuplicateContactError,
  HighLevelLocationAccessError,
  HighLevelRateLimitError,
  HighLevelResponseShapeError,
  HighLevelValidationError,
} from '../../clients/highlevel/errors';
import { readRateLimitHeaders } from '../../clients/highlevel/rate-limit-headers';
import { RateLimiter } from '../../clients/highlevel/rate-limiter';
import { contactResponseSchema, duplicateSearchResponseSchema, errorBodySchema } from '../../clients/highlevel/schemas';
import { freePort } from '../../platform/free-port';
import { type RunningHighLevelSimulator, startHighLevelSimulator } from '../../simulators/highlevel/server';
import {
  commonSchemasFixture,
  fullSpecFixture,
  OpenApiContract,
  observedFixture,
  readFixture,
  subsetFixture,
} from './openapi-contract';

const INTERVAL_MS = 1000;

function clientFor(simulator: RunningHighLevelSimulator, overrides: { token?: string; max?: number; retries?: number } = {}) {
  return new HighLevelClient({
    baseUrl: simulator.url,
    token: overrides.token ?? simulator.token,
    limiter: new RateLimiter({ max: overrides.max ?? 1000, intervalMs: INTERVAL_MS, safetyMs: 20 }),
    maxRateLimitRetries: overrides.retries ?? 3,
    requestTimeoutMs: 5000,
  });
}

describe('HighLevel recorded reference files', () => {
  it('the official contacts spec has the documented properties', { skip: fullSpecFixture.skip }, () => {
    const { json, sha256 } = readFixture(fullSpecFixture);
    assert.equal(sha256, 'd251defab9b0d3ae2feb393b27c071bed7e964c63826af0131bb8e888ecfd6cb');
    const operations = Object.values<any>(json.paths).flatMap((ops) => Object.keys(ops).filter((k) => ['get', 'post', 'put', 'delete', 'patch'].includes(k)));
    assert.equal(operations.length, 32);
    assert.equal(json.servers[0].url, 'https://services.leadconnectorhq.com');
    const schemas = json.components.schemas;
    assert.deepEqual(schemas.CreateContactDto.required, ['locationId']);
    assert.equal('locationId' in schemas.UpdateContactDto.properties, false);
    assert.equal('gender' in schemas.UpdateContactDto.properties, false);
    assert.ok('succeded' in schemas.UpdateContactsSuccessfulResponseDto.properties);
    assert.deepEqual(Object.keys(schemas.UpsertContactsSuccessfulResponseDto.properties).sort(), ['contact', 'new', 'traceId']);
    const duplicate = json.paths['/contacts/search/duplicate'].get;
    assert.deepEqual(duplicate.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name), ['locationId', 'number', 'email']);
    assert.equal(duplicate.responses['200'].content, undefined);
    assert.deepEqual(duplicate.parameters.find((p: any) => p.name === 'Version').schema.enum, ['2021-07-28']);
    assert.deepEqual(schemas.SearchBodyV2DTO.properties ?? {}, {});
    assert.equal(json.paths['/contacts/'].get.deprecated, true);
  });

  it('the common error DTOs are BadRequest, Unauthorized and Unprocessable (message array)', { skip: commonSchemasFixture.skip }, () => {
    const { json, sha256 } = readFixture(commonSchemasFixture);
    assert.equal(sha256, '0713be7ea50c988f5eb78b35d724301c1b3b6386c819860b67bda8893a22e21e');
    const schemas = json.components?.schemas ?? json;
    assert.equal(schemas.UnprocessableDTO.properties.message.type, 'array');
    assert.equal(schemas.BadRequestDTO.properties.message.type, 'string');
    assert.ok(schemas.UnauthorizedDTO.properties.error);
  });

  it('the lead-sync subset is self-contained', { skip: subsetFixture.skip }, () => {
    const { text, sha256, json } = readFixture(subsetFixture);
    assert.equal(sha256, '66c3545e3a6ac33bc7cef53eed1f69bce43af630c9cef07dfeb719fe5f7be3a4');
    assert.equal(/"\$ref":\s*"(?!#)/.test(text), false, 'no external $ref');
    assert.equal(Object.values<any>(json.paths).reduce((n, ops) => n + Object.keys(ops).length, 0), 8);
  });

  it('the observed responses parse into the client\'s typed results and errors', { skip: observedFixture.skip }, () => {
    const { json, sha256 } = readFixture(observedFixture);
    assert.equal(sha256, 'f8fefd3e9c51545509e594f2d992f228b3ffddb96714293e30cbd61c4fd2b318');
    const entry = (name: string) => json.entries.find((e: any) => e.name === name);
    const typed = (name: string) => {
      const { status, body } = entry(name);
      return errorForResponse(status, errorBodySchema.parse(body), JSON.stringify(body));
    };

    const duplicate = typed('create_duplicate_rejected');
    assert.ok(duplicate instanceof HighLevelDuplicateContactError);
    assert.equal(duplicate.message, 'This location does not allow duplicated contacts.');
    assert.equal(duplicate.contactId, 'EXISTING_CONTACT_ID');
    assert.equal(duplicate.matchingField, 'email');
    const phoneDuplicate = typed('update_duplicate_phone_rejected') as HighLevelDuplicateContactError;
    assert.equal(phoneDuplicate.matchingField, 'phone');

    const unknownProperty = typed('unknown_property_rejected');
    assert.ok(unknownProperty instanceof HighLevelValidationError);
    assert.ok(Array.isArray(entry('unknown_property_rejected').body.message));
    assert.deepEqual(unknownProperty.problems, ['property additionalEmails should not exist']);
    assert.ok(typed('invalid_phone_rejected') instanceof HighLevelBadRequestError);
    assert.ok(typed('duplicate_search_missing_params') instanceof HighLevelBadRequestError);

    assert.match(entry('duplicate_search_found').request, /[?&]number=/);
    assert.doesNotMatch(entry('duplicate_search_found').request, /[?&]phone=/);
    assert.equal(duplicateSearchResponseSchema.parse(entry('duplicate_search_found').body).contact?.id, 'CONTACT_ID');
    assert.equal(contactResponseSchema.parse(entry('get_contact').body).contact.phone, '+18885550100');
    assert.equal(entry('upsert_updated').body.succeded, true);
    assert.equal(entry('upsert_updated').body.succeeded, true);

    for (const authCase of entry('auth_errors').cases) {
      const body = authCase.body ?? { message: authCase.message };
      const error = errorForResponse(authCase.status, errorBodySchema.parse(body), '');
      assert.ok(authCase.status === 403 ? error instanceof HighLevelLocationAccessError : error instanceof HighLevelAuthError, authCase.when);
      assert.equal(error.message, body.message);
    }

    const rateLimit = entry('rate_limit');
    const headers = readRateLimitHeaders(new Headers(rateLimit.headers_on_every_response));
    assert.deepEqual(headers, { max: 100, remaining: 97, intervalMs: 10_000, dailyLimit: 200_000, dailyRemaining: 199_873, retryAfterMs: null });
    assert.equal(rateLimit.status_when_exceeded, 429);
    assert.ok(errorBodySchema.safeParse(rateLimit.body_when_exceeded_unverified).success);
  });
});

describe('HighLevel client against the simulator, checked with the official OpenAPI subset', () => {
  let simulator: RunningHighLevelSimulator;
  before(async () => {
    simulator = await startHighLevelSimulator({
      host: '127.0.0.1',
      port: await freePort(),
      rateLimitMax: 20,
      rateLimitIntervalMs: INTERVAL_MS,
      tokens: { 'pit-a': 'LocationA', 'pit-b': 'LocationB' },
    });
  });
  after(async () => simulator?.close());
  beforeEach(() => simulator.reset());

  it('creates, finds (email or E.164 number, URL-encoded), updates without locationId, and adds tags', { skip: subsetFixture.skip }, async () => {
    const contract = new OpenApiContract(subsetFixture.path!);
    const client = clientFor(simulator);
    const created = await client.createContact({
      locationId: 'LocationA',
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'Jane+hvac@Example.com',
      phone: '(415) 555-0132',
      tags: ['HVAC-Lead'],
      source: 'Prospector',
    });
    assert.equal(created.phone, '+14155550132');
    assert.deepEqual(created.tags, ['hvac-lead']);

    assert.equal((await client.findDuplicate({ locationId: 'LocationA', email: 'jane+HVAC@example.com' }))?.id, created.id);
    assert.equal((await client.findDuplicate({ locationId: 'LocationA', phone: '+14155550132' }))?.id, created.id);
    assert.equal(await client.findDuplicate({ locationId: 'LocationA', email: 'nobody@example.com', phone: '+14155550199' }), null);

    const updated = await client.updateContact(created.id, { city: 'Springfield', phone: '+1 415 555 0133' });
    assert.equal(updated.phone, '+14155550133');
    assert.deepEqual(await client.addTags(created.id, ['TIER-HOT', 'hvac-lead']), ['hvac-lead', 'tier-hot']);
    assert.equal(simulator.contacts().find((contact) => contact.id === created.id)?.city, 'Springfield');

    const searchByEmail = simulator.requests.find((r) => r.path === '/contacts/search/duplicate' && r.query.email);
    assert.equal(searchByEmail?.query.email, 'jane+HVAC@example.com', 'the + survived URL encoding');
    const searchByPhone = simulator.requests.find((r) => r.path === '/contacts/search/duplicate' && r.query.number);
    assert.equal(searchByPhone?.query.number, '+14155550132');
    const put = simulator.requests.find((r) => r.method === 'PUT')!;
    assert.equal('locationId' in (put.body as object), false);

    assert.equal(simulator.requests.length, 6);
    for (const request of simulator.requests) {
      assert.equal(request.headers.authorization, 'Bearer pit-a');
      assert.deepEqual(contract.requestProblems(request), [], `${request.method} ${request.path}`);
      assert.deepEqual(contract.responseProblems(request.method, request.path, request.status, request.responseBody), [], `${request.method} ${request.path} → ${request.status}`);
    }
  });

  it('gives typed errors: duplicate with the contact id, 422 list, 401 token, 403 location, 400 phone', { skip: subsetFixture.skip }, async () => {
    const contract = new OpenApiContract(subsetFixture.path!);
    const client = clientFor(simulator);
    const first = await client.createContact({ locationId: 'LocationA', email: 'a@example.com', firstName: 'Ann' });
    await assert.rejects(client.createContact({ locationId: 'LocationA', email: 'A@EXAMPLE.com' }), (error: unknown) => {
      assert.ok(error instanceof HighLevelDuplicateContactError);
      assert.equal(error.contactId, first.id);
      assert.equal(error.matchingField, 'email');
      return true;
    });
    const second = await client.createContact({ locationId: 'LocationA', phone: '+14155550100' });
    await assert.rejects(client.updateContact(first.id, { phone: '415-555-0100' }), (error: unknown) => {
      assert.ok(error instanceof HighLevelDuplicateContactError);
      assert.equal(error.contactId, second.id);
      assert.equal(error.matchingField, 'phone');
      return true;
    });
    await assert.rejects(client.updateContact(first.id, { locationId: 'LocationA' } as never), (error: unknown) => {
      assert.ok(error instanceof HighLevelValidationError);
      assert.deepEqual(error.problems, ['property locationId should not exist']);
      return true;
    });
    await assert.rejects(client.createContact({ locationId: 'LocationA', phone: '+1 415 555 0100 1234 5678 9' }), HighLevelBadRequestError);
    await assert.rejects(clientFor(simulator, { token: 'pit-wrong' }).findDuplicate({ locationId: 'LocationA', email: 'a@example.com' }), HighLevelAuthError);
    await assert.rejects(client.findDuplicate({ locationId: 'LocationB', email: 'a@example.com' }), HighLevelLocationAccessError);

    for (const request of simulator.requests.filter((r) => [400, 401, 422].includes(r.status))) {
      assert.deepEqual(contract.responseProblems(request.method, request.path, request.status, request.responseBody), [], `${request.path} ${request.status}`);
    }
    const noVersion = await fetch(`${simulator.url}/contacts/${first.id}`, { headers: { Authorization: 'Bearer pit-a' } });
    assert.equal(noVersion.status, 401);
    assert.equal(((await noVersion.json()) as any).message, 'version header was not found.');
  });

  it('simulates upsert (first priority field wins, the other is not written) and advanced search', { skip: subsetFixture.skip }, async () => {
    const contract = new OpenApiContract(subsetFixture.path!);
    const call = async (path: string, body: unknown) => {
      const response = await fetch(`${simulator.url}${path}`, {
        method: 'POST',
        headers: { Authorization: 'Bearer pit-a', Version: '2021-07-28', 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const created = await call('/contacts/upsert', { locationId: 'LocationA', email: 'u@example.com', tags: ['A'] });
    assert.equal(created.status, 200);
    assert.equal(created.body.new, true);
    const phoneOwner = await call('/contacts/upsert', { locationId: 'LocationA', phone: '+14155550150' });
    const updated = await call('/contacts/upsert', { locationId: 'LocationA', email: 'U@example.com', phone: '+14155550150', firstName: 'Una' });
    assert.equal(updated.body.new, false);
    assert.equal(updated.body.succeded, true);
    assert.equal(updated.body.succeeded, true);
    assert.equal(updated.body.contact.id, created.body.contact.id, 'email is first in the priority');
    assert.equal(updated.body.contact.phone, undefined, 'the phone of another contact is not written');
    assert.equal(updated.body.contact.firstName, 'Una');

    const search = await call('/contacts/search', { locationId: 'LocationA', pageLimit: 10, filters: [{ field: 'phone', operator: 'eq', value: '+14155550150' }] });
    assert.equal(search.status, 200);
    assert.equal(search.body.total, 1);
    assert.equal(search.body.contacts[0].id, phoneOwner.body.contact.id);
    assert.equal(search.body.contacts[0].searchAfter.length, 2);
    assert.equal((await call('/contacts/search', { locationId: 'LocationA' })).status, 422, 'pageLimit is required');
    assert.equal((await call('/contacts/upsert', { email: 'x@example.com' })).status, 422, 'locationId is required');

    for (const request of simulator.requests.filter((r) => r.status < 300)) {
      assert.deepEqual(contract.requestProblems(request), [], `${request.method} ${request.path}`);
      assert.deepEqual(contract.responseProblems(request.method, request.path, request.status, request.responseBody), [], `${request.path}`);
    }
  });

  it('stays under the rate limit with many concurrent calls, and reads all five headers', async () => {
    const client = new HighLevelClient({
      baseUrl: simulator.url,
      token: 'pit-a',
      limiter: new RateLimiter({ max: 20, intervalMs: INTERVAL_MS, safetyMs: 20 }),
      maxRateLimitRetries: 0,
      requestTimeoutMs: 5000,
    });
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => client.findDuplicate({ locationId: 'LocationA', email: `p${i}@example.com` })),
    );
    assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
    const elapsed = Date.now() - started;
    assert.equal(simulator.rateLimited(), 0);
    assert.ok(simulator.peakRequestsInWindow() <= 20);
    assert.ok(elapsed >= 2 * INTERVAL_MS, `50 requests at 20 per ${INTERVAL_MS} ms need two full windows (took ${elapsed} ms)`);
    assert.deepEqual(Object.keys(client.lastRateLimit!).sort(), ['dailyLimit', 'dailyRemaining', 'intervalMs', 'max', 'remaining', 'retryAfterMs']);
    assert.equal(client.lastRateLimit!.max, 20);
    assert.equal(client.lastRateLimit!.intervalMs, INTERVAL_MS);
  });

  it('after a 429 while the window has room, waits one request\'s share of the window and holds no other request', async () => {
    const limiter = new RateLimiter({ max: 1000, intervalMs: INTERVAL_MS, safetyMs: 20 });
    const client = new HighLevelClient({ baseUrl: simulator.url, token: 'pit-a', limiter, maxRateLimitRetries: 0, requestTimeoutMs: 5000 });
    simulator.injectFaults({ status: 429, count: 1 });
    await assert.rejects(client.findDuplicate({ locationId: 'LocationA', email: 'x@example.com' }), (error: unknown) => {
      assert.ok(error instanceof HighLevelRateLimitError);
      // The answer said 19 of 20 requests remain in its 1 s window: no Retry-After, and no reason to wait the window out.
      assert.equal(error.retryAfterMs, INTERVAL_MS / 20);
      return true;
    });
    assert.equal(limiter.waitMs(), 0, 'the location\'s other requests go on');
  });

  it('after a 429 with the window spent (another client used it), holds every request until the window frees', async () => {
    const other = clientFor(simulator, { retries: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => other.findDuplicate({ locationId: 'LocationA', email: `o${i}@example.com` })));
    const limiter = new RateLimiter({ max: 1000, intervalMs: INTERVAL_MS, safetyMs: 20 });
    const client = new HighLevelClient({ baseUrl: simulator.url, token: 'pit-a', limiter, maxRateLimitRetries: 0, requestTimeoutMs: 5000 });
    await assert.rejects(client.findDuplicate({ locationId: 'LocationA', email: 'x@example.com' }), (error: unknown) => {
      assert.ok(error instanceof HighLevelRateLimitError);
      assert.ok(error.retryAfterMs > INTERVAL_MS / 20 && error.retryAfterMs <= INTERVAL_MS + 20, `waits ${error.retryAfterMs} ms`);
      return true;
    });
    assert.ok(limiter.waitMs() > 0, 'held');
  });

  it('retries 429s; gives up with a typed error after its retries', async () => {
    const client = clientFor(simulator, { retries: 2 });
    simulator.injectFaults({ status: 429, count: 2 });
    assert.equal(await client.findDuplicate({ locationId: 'LocationA', email: 'x@example.com' }), null);
    assert.equal(client.requestCount, 3);
    simulator.injectFaults({ status: 429, count: 5 });
    await assert.rejects(client.findDuplicate({ locationId: 'LocationA', email: 'x@example.com' }), HighLevelRateLimitError);
  });

  it('answers a duplicate search for an email and a phone of two different contacts with one of them, by the location\'s priority', async () => {
    const client = clientFor(simulator);
    const byEmail = await client.createContact({ locationId: 'LocationA', email: 'one@example.com' });
    const byPhone = await client.createContact({ locationId: 'LocationA', phone: '+14155550199' });
    const found = await client.findDuplicate({ locationId: 'LocationA', email: 'ONE@example.com', phone: '(415) 555-0199' });
    assert.equal(found?.id, byEmail.id, 'email first by default');
    const phoneFirst = await startHighLevelSimulator({ host: '127.0.0.1', port: await freePort(), duplicatePriority: ['phone', 'email'] });
    try {
      const other = clientFor(phoneFirst);
      await other.createContact({ locationId: phoneFirst.locationId, email: 'one@example.com' });
      const phoneContact = await other.createContact({ locationId: phoneFirst.locationId, phone: '+14155550199' });
      const hit = await other.findDuplicate({ locationId: phoneFirst.locationId, email: 'one@example.com', phone: '+14155550199' });
      assert.equal(hit?.id, phoneContact.id);
    } finally {
      await phoneFirst.close();
    }
    assert.notEqual(byPhone.id, byEmail.id);
  });

  it('rejects a success whose body is not the documented shape, keeping the raw body', async () => {
    const client = clientFor(simulator);
    simulator.injectFaults({ status: 201, count: 1, method: 'POST', body: { contact: { email: 'no-id@example.com' } } });
    await assert.rejects(client.createContact({ locationId: 'LocationA', email: 'no-id@example.com' }), (error: unknown) => {
      assert.ok(error instanceof HighLevelResponseShapeError);
      assert.match(error.message, /contact\.id/);
      assert.equal(JSON.parse(error.rawBody).contact.email, 'no-id@example.com');
      return true;
    });
  });

  it('stops before the daily cap instead of sending into it', async () => {
    const capped = await startHighLevelSimulator({ host: '127.0.0.1', port: await freePort(), dailyLimit: 3 });
    try {
      const client = clientFor(capped);
      for (let i = 0; i < 3; i += 1) await client.findDuplicate({ locationId: capped.locationId, email: `d${i}@example.com` });
      assert.equal(client.lastRateLimit?.dailyRemaining, 0);
      await assert.rejects(client.findDuplicate({ locationId: capped.locationId, email: 'd4@example.com' }), HighLevelDailyLimitError);
      assert.equal(capped.requests.length, 3, 'the fourth request was never sent');
    } finally {
      await capped.close();
    }
  });
});
