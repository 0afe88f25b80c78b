import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, loadSettings } from '../../config/settings';
import { siblingTaskQueue, taskQueues } from '../../platform/task-queues';

describe('settings', () => {
  it('applies documented defaults', () => {
    const settings = loadSettings({});
    assert.equal(settings.SOURCES, 'real');
    assert.equal(settings.API_PORT, 3000);
    assert.equal(settings.TEMPORAL_UI_PORT, 8233);
    assert.equal(settings.CEPIK_BASE_URL, 'https://api.cepik.gov.pl');
    assert.deepEqual(settings.API_KEYS, []);
  });

  it('treats empty variables as unset and splits API_KEYS', () => {
    const settings = loadSettings({ DATABASE_URL: '', API_KEYS: ' a, b ,,c ' });
    assert.equal(settings.DATABASE_URL, undefined);
    assert.deepEqual(settings.API_KEYS, ['a', 'b', 'c']);
  });

  it('names every invalid variable', () => {
    assert.throws(
      () => loadSettings({ API_PORT: 'eighty', SOURCES: 'fake', ACCELA_API_URL: 'not a url' }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        ['API_PORT', 'SOURCES', 'ACCELA_API_URL'].every((name) => error.message.includes(name)),
    );
  });
});

describe('task queues', () => {
  it('derives activity queues from the workflow queue', () => {
    const queues = taskQueues('prospector');
    assert.equal(siblingTaskQueue(queues.workflows, 'http'), 'prospector-http');
    assert.equal(siblingTaskQueue('test-x-workflows', 'browser'), 'test-x-browser');
  });
});
