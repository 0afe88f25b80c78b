import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { withIdentityLocks } from '../../activities/crm/identity-locks';

describe('identity locks', () => {
  it('serialises work sharing a key, runs disjoint work side by side, and never deadlocks on crossed keys', async () => {
    const log: string[] = [];
    const job = (name: string, keys: string[]) =>
      withIdentityLocks(keys, async () => {
        log.push(`${name}+`);
        await sleep(20);
        log.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([job('a', ['email:x', 'phone:1']), job('b', ['phone:1', 'email:x']), job('c', ['email:y'])]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.ok(log.indexOf('a-') < log.indexOf('b+'), `a and b share keys: ${log}`);
    assert.ok(log.indexOf('c+') < log.indexOf('a-'), `c shares none: ${log}`);
  });

  it('releases its keys when the work fails', async () => {
    await assert.rejects(withIdentityLocks(['email:z'], async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await withIdentityLocks(['email:z'], async () => 'free'), 'free');
  });
});
