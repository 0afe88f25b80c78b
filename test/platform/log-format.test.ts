import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { log } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { countIdsByKind } from '../../domain/operations/id-summary';
import { createLogger, type LogFormat, logFormat } from '../../platform/logger';
import { temporalLogger } from '../../platform/temporal-logger';

function capture(format: LogFormat) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line.length > 0));
      done();
    },
  });
  return { logger: createLogger(stream, format), lines };
}

/** Lines reach the stream on a later tick (pino-pretty pipes into it). */
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('log format', () => {
  it('is readable on a terminal, JSON elsewhere, and LOG_FORMAT overrides both', () => {
    assert.equal(logFormat({}, true), 'pretty');
    assert.equal(logFormat({}, false), 'json');
    assert.equal(logFormat({ LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(logFormat({ LOG_FORMAT: 'pretty' }, false), 'pretty');
  });

  it('writes one readable line per event, fields after the message, secrets still redacted', async () => {
    const { logger, lines } = capture('pretty');
    logger.error({ countyId: 12, token: 'pit-token-value' }, 'pull failed');
    logger.warn({ lead: { id: 7, ownerEmail: 'owner.7@example.com' } }, 'lead skipped');
    await flushed();
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, /ERROR.*pull failed.*countyId.*12/);
    assert.doesNotMatch(lines[0]!, /^\{/, 'not JSON');
    assert.doesNotMatch(lines.join('\n'), /pit-token-value|owner\.7@example\.com/);
  });

  it('writes JSON objects in the json format', async () => {
    const { logger, lines } = capture('json');
    logger.error({ countyId: 12 }, 'pull failed');
    await flushed();
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.msg, 'pull failed');
    assert.equal(line.countyId, 12);
  });
});

describe('Temporal logs through pino', () => {
  it('tags an activity log line with its workflow id and activity type, without the task token', async () => {
    const { logger, lines } = capture('json');
    const environment = new MockActivityEnvironment(
      {
        activityType: 'deliverDealAlerts',
        workflowType: 'dealAlertDeliveryWorkflow',
        workflowExecution: { workflowId: 'deal-alerts:delivery', runId: 'run-1' },
      },
      { logger: temporalLogger(logger) },
    );
    await environment.run(() => log.warn('deal alert refused by the webhook', { alertId: 3 }));
    await flushed();
    const line = lines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.msg === 'deal alert refused by the webhook');
    assert.ok(line, lines.join('\n'));
    assert.equal(line.level, 40);
    assert.equal(line.workflowId, 'deal-alerts:delivery');
    assert.equal(line.activityType, 'deliverDealAlerts');
    assert.equal(line.alertId, 3);
    assert.equal(line.taskToken, undefined);
  });
});

describe('start-up lines', () => {
  it('summarises a long id list as a count per kind that fits a terminal line', async () => {
    const ids = [
      ...Array.from({ length: 67 }, (_, index) => `accela-incremental:county-${index + 1}`),
      ...Array.from({ length: 16 }, (_, index) => `cepik-lease-expiry-daily:${String(index * 2 + 2).padStart(2, '0')}`),
      'autotrader-batch:a',
      'autotrader-batch:b',
    ];
    const summary = countIdsByKind(ids);
    assert.deepEqual(summary, { count: 85, kinds: { 'accela-incremental': 67, 'cepik-lease-expiry-daily': 16, 'autotrader-batch': 2 } });
    const { logger, lines } = capture('pretty');
    // Logged at warn: the test runner's LOG_LEVEL drops info lines.
    logger.warn({ schedules: summary }, 'Temporal Schedules in place');
    await flushed();
    assert.ok(lines[0]!.length < 200, lines[0]);
  });
});
