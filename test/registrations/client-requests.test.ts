import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cepikFailure } from '../../activities/registrations/failures';
import { classifyErrorResponse, namedWaitSeconds, waitNamedInBody } from '../../clients/cepik/errors';
import { LocalRateLimits } from '../../platform/shared-rate-limits';
import { firstPageUrl, onBaseUrl } from '../../clients/cepik/query';
import { parseErrorBody } from '../../clients/cepik/schemas';

const waits = { rateLimitedWaitSeconds: 45, limitReachedWaitSeconds: 60 };

describe('CEPiK request building', () => {
  it('builds the first page with the exact parameters, brackets literal and the brand percent-encoded', () => {
    assert.equal(
      firstPageUrl('https://api.cepik.gov.pl/', { voivodeshipCode: '24', from: '2023-09-24', to: '2023-11-23', brand: 'ALFA ROMEO' }, 500),
      'https://api.cepik.gov.pl/pojazdy?wojewodztwo=24&data-od=20230924&data-do=20231123&typ-daty=1&filter[marka]=ALFA%20ROMEO&limit=500&page=1',
    );
    assert.equal(
      firstPageUrl('http://sim:1', { voivodeshipCode: '02', from: '2024-01-01', to: '2024-02-29' }, 100),
      'http://sim:1/pojazdy?wojewodztwo=02&data-od=20240101&data-do=20240229&typ-daty=1&limit=100&page=1',
    );
  });

  it('moves an absolute next link onto the configured base URL, keeping its query', () => {
    const next = 'https://api.cepik.gov.pl/pojazdy?wojewodztwo=16&data-od=20240101&data-do=20241101&limit=100&page=2&typ-daty=1';
    assert.equal(onBaseUrl(next, 'http://127.0.0.1:4102'), 'http://127.0.0.1:4102/pojazdy?wojewodztwo=16&data-od=20240101&data-do=20241101&limit=100&page=2&typ-daty=1');
    assert.equal(onBaseUrl(next, 'https://api.cepik.gov.pl'), next);
  });
});

describe('CEPiK error classification', () => {
  it('reads the wait from "zaczekaj Ns", else Retry-After, else the configured default', () => {
    assert.equal(namedWaitSeconds('Przekroczono limit, zaczekaj 60s.', undefined), 60);
    assert.equal(namedWaitSeconds('{}', '12'), 12);
    assert.equal(namedWaitSeconds('{}', 'Wed, 21 Oct 2026 07:28:00 GMT'), undefined);
    assert.equal(classifyErrorResponse(429, 'too many', undefined, waits).details.waitSeconds, 45);
  });

  it('reads the wait a body names in seconds, minutes, hours or milliseconds, Polish words or short units', () => {
    assert.equal(waitNamedInBody('Przekroczono limit zapytań, zaczekaj 2s.'), 2);
    assert.equal(waitNamedInBody('Zaczekaj 60 s'), 60);
    assert.equal(waitNamedInBody('zaczekaj 90 sekund'), 90);
    assert.equal(waitNamedInBody('zaczekaj 1 sekundę'), 1);
    assert.equal(waitNamedInBody('zaczekaj 1,5 s'), 1.5);
    assert.equal(waitNamedInBody('zaczekaj 500ms'), 0.5);
    assert.equal(waitNamedInBody('zaczekaj 2 min.'), 120);
    assert.equal(waitNamedInBody('zaczekaj 5 minut'), 300);
    assert.equal(waitNamedInBody('zaczekaj 1 minutę'), 60);
    assert.equal(waitNamedInBody('{"error-reason":"zaczekaj 2 minut\\u0119"}'), 120, 'a JSON-escaped ę');
    assert.equal(waitNamedInBody('zaczekaj 1 godzinę'), 3600);
    assert.equal(waitNamedInBody('zaczekaj 1h'), 3600);
    assert.equal(waitNamedInBody('zaczekaj 30'), 30, 'no unit: seconds');
    assert.equal(waitNamedInBody('Osiągnięto limit API.'), undefined);
    assert.equal(waitNamedInBody('zaczekaj chwilę'), undefined);
  });

  it('lets the wait a limit-reached body names win over the per-code default, else Retry-After, else the default', () => {
    const body = { errors: [{ 'error-code': 'API-ERR-100011', 'error-result': 'Osiągnięto limit API.', 'error-reason': 'Limit wywołań, zaczekaj 2s.' }] };
    const named = classifyErrorResponse(429, JSON.stringify(body), parseErrorBody(body), waits);
    assert.equal(named.kind, 'limit-reached');
    assert.equal(named.details.waitSeconds, 2);
    const plain = { errors: [{ 'error-code': 'API-ERR-100011', 'error-reason': 'Limit' }] };
    assert.equal(classifyErrorResponse(429, JSON.stringify(plain), parseErrorBody(plain), { ...waits, retryAfter: '7' }).details.waitSeconds, 7);
    assert.equal(classifyErrorResponse(403, JSON.stringify(plain), parseErrorBody(plain), waits).details.waitSeconds, 60);
  });

  it('hands the named wait to Temporal as the next retry delay', () => {
    const body = { errors: [{ 'error-code': 'API-ERR-100011', 'error-reason': 'zaczekaj 2s' }] };
    const failure = cepikFailure(classifyErrorResponse(429, JSON.stringify(body), parseErrorBody(body), waits));
    assert.equal(failure.type, 'CepikLimitReached');
    assert.equal(failure.nextRetryDelay, 2000);
    const halfSecond = cepikFailure(classifyErrorResponse(429, 'zaczekaj 500ms', undefined, waits));
    assert.equal(halfSecond.nextRetryDelay, 500);
    assert.equal(cepikFailure(classifyErrorResponse(502, '', undefined, waits)).nextRetryDelay, undefined);
  });

  it('classifies by error code before status, in both body shapes', () => {
    const limit = parseErrorBody({ errors: [{ 'error-code': 'API-ERR-100011', 'error-reason': 'Limit' }] });
    const error = classifyErrorResponse(403, '', limit, waits);
    assert.equal(error.kind, 'limit-reached');
    assert.equal(error.details.waitSeconds, 60);
    const overloaded = parseErrorBody({ 'error-code': 'API-ERR-100005', 'error-reason': 'Serwer przeciążony' });
    assert.equal(classifyErrorResponse(400, '', overloaded, waits).kind, 'overloaded');
    const badWindow = classifyErrorResponse(400, '', parseErrorBody({ errors: [{ 'error-code': 'API-ERR-X', 'error-result': 'Przepraszamy', 'error-reason': 'Maksymalny zakres lat to: 2.' }] }), waits);
    assert.equal(badWindow.kind, 'bad-request');
    assert.equal(badWindow.retryable, false);
    assert.match(badWindow.message, /Przepraszamy Maksymalny zakres lat to: 2/);
    assert.equal(classifyErrorResponse(404, '<html>', undefined, waits).kind, 'not-found');
    assert.equal(classifyErrorResponse(502, '', undefined, waits).kind, 'overloaded');
    assert.equal(classifyErrorResponse(418, '', undefined, waits).retryable, false);
  });
});

describe('request pacing (a process-local gate, as the client uses outside the workers)', () => {
  it('hands out slots 1/rate apart in call order, and a pause pushes every later slot back', async () => {
    const gate = new LocalRateLimits();
    const pacer = { acquire: () => gate.acquire('cepik:host:test', { perSecond: 20, burst: 1 }), pause: (ms: number) => gate.pause('cepik:host:test', ms) };
    const started = Date.now();
    const times: number[] = [];
    await Promise.all([0, 1, 2, 3].map(async () => {
      await pacer.acquire();
      times.push(Date.now() - started);
    }));
    assert.ok(times[3]! >= 140, `fourth slot after three intervals of 50 ms (${times.join(', ')})`);
    await pacer.pause(300);
    const beforePause = Date.now();
    await pacer.acquire();
    assert.ok(Date.now() - beforePause >= 280);
  });
});
