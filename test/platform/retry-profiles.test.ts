import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { msToNumber } from '@temporalio/common/lib/time';
import { retryPolicy } from '../../temporal/retry-profiles';

describe('retry profiles', () => {
  it('bookkeeping retries until it succeeds, with a capped backoff', () => {
    const policy = retryPolicy('bookkeeping', ['PullAlreadyRunning']);
    assert.equal(policy.maximumAttempts, undefined, 'no attempt limit: a job row must record its start and end');
    assert.ok(msToNumber(policy.maximumInterval!) <= 60_000, 'the backoff is capped');
    assert.deepEqual(policy.nonRetryableErrorTypes, ['PullAlreadyRunning'], 'permanent failures still fail fast');
  });

  it('sourcePage waits out an outage of any length, while its non-retryable types still fail fast', () => {
    const policy = retryPolicy('sourcePage', ['CountyNotFound']);
    assert.equal(policy.maximumAttempts, undefined);
    assert.ok(msToNumber(policy.maximumInterval!) <= 60_000);
    assert.deepEqual(policy.nonRetryableErrorTypes, ['CountyNotFound']);
  });

  it('keeps the limits of the profiles meant to give up: a browser scrape and a probe', () => {
    assert.equal(retryPolicy('browserScrape').maximumAttempts, 4);
    assert.equal(retryPolicy('probe').maximumAttempts, 3);
  });
});
