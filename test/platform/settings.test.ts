import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigurationError, loadSettings, settingsSchema } from '../../config/settings';
import { siblingTaskQueue, taskQueues } from '../../platform/task-queues';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The settings tables of the README and the pipeline docs: `| \`A\`, \`B\` | \`1\`, \`2\` | meaning |`
 * (names and values separated by `,` or `/`), as a map from setting to its documented default.
 */
function documentedDefaults(): Map<string, string> {
  const documents = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((file) => path.join('docs', file))];
  const defaults = new Map<string, string>();
  for (const document of documents) {
    for (const line of readFileSync(path.join(ROOT, document), 'utf8').split('\n')) {
      const cells = line.split('|').map((cell) => cell.trim());
      if (cells.length < 4 || !/^`[A-Z][A-Z0-9_]*`/.test(cells[1]!)) continue;
      const names = cells[1]!.split(/\s*[,/]\s*/).map((name) => name.replace(/`/g, ''));
      const values = names.length > 1 ? cells[2]!.split(/\s*\/\s*|,\s*(?=[`\d])/) : [cells[2]!];
      names.forEach((name, index) => defaults.set(name, (values[index] ?? '').trim()));
    }
  }
  return defaults;
}

/** A documented default that names a value (`code` or a number), rather than describing one ("generated into …", "unset"). */
const literalValue = (cell: string): string | null => cell.match(/^`([^`]*)`$/)?.[1] ?? (/^-?[\d.]+$/.test(cell) ? cell : null);

describe('settings', () => {
  it('documents every setting, with the default the schema applies', () => {
    const documented = documentedDefaults();
    const defaults = loadSettings({}) as Record<string, unknown>;
    const undocumented = Object.keys(settingsSchema.shape).filter((key) => !documented.has(key));
    assert.deepEqual(undocumented, [], 'every setting appears in a settings table of the README or docs/');
    const mismatched = Object.keys(settingsSchema.shape).flatMap((key) => {
      const text = literalValue(documented.get(key)!);
      if (text === null || text.startsWith('./')) return [];
      const actual = defaults[key];
      const shown = Array.isArray(actual) ? actual.join(',') : String(actual);
      return shown === text ? [] : [`${key}: documented ${text}, default ${shown}`];
    });
    assert.deepEqual(mismatched, []);
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
