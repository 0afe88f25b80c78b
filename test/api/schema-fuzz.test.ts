import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type FuzzTarget, startFuzzTarget } from '../fuzz/fuzz-target';

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMATHESIS = path.join(ROOT, '.tools', 'venv', 'bin', 'schemathesis');
const CONFIG = path.join(ROOT, 'test', 'fuzz', 'schemathesis.toml');

/**
 * `schemathesis run` with the checked-in configuration; its exit code and everything it printed. From
 * the project folder, where the configuration's `hooks` path points. FUZZ_SEED repeats an earlier run
 * (each run prints its seed).
 */
function schemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  const seed = process.env.FUZZ_SEED ? ['--seed', process.env.FUZZ_SEED] : [];
  const child = spawn(SCHEMATHESIS, ['--config-file', CONFIG, 'run', ...args, ...seed, '--no-color'], {
    cwd: ROOT,
    // Hypothesis keeps its Unicode tables in `.hypothesis` of the working folder: outside the checkout instead.
    env: { ...process.env, HYPOTHESIS_STORAGE_DIRECTORY: path.join(os.tmpdir(), 'prospector-hypothesis') },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The run's last line ("N passed in …s"), for the test report. */
const summary = (output: string) => output.trim().split('\n').at(-1) ?? '';

/**
 * Schemathesis generates requests from `/openapi.json` (valid ones and invalid ones) and checks each
 * answer: no 5xx; status, content type, headers and body as the document declares them; every valid
 * request accepted, every invalid one refused; an undeclared method 405 with a correct Allow. What it
 * checks and why is in test/fuzz/schemathesis.toml.
 */
describe('schema-based fuzzing of the whole API (Schemathesis)', () => {
  let target: FuzzTarget;

  before(async () => {
    assert.ok(existsSync(SCHEMATHESIS), `${SCHEMATHESIS} is missing: run scripts/bootstrap.sh (npm test does), which installs it from PyPI`);
    target = await startFuzzTarget();
  });
  after(async () => {
    await target?.close();
  });

  it('with the API key: nothing the document allows is refused, no answer is outside it, and the key is required', async (t: TestContext) => {
    const { code, output } = await schemathesis([
      `${target.url}/openapi.json`,
      '--header', `X-API-Key: ${target.apiKey}`,
      // The document also offers `Authorization: Bearer`; the fuzzer must not add a made-up one beside the key.
      '--generation-with-security-parameters', 'false',
    ]);
    assert.equal(code, 0, `schemathesis found problems (exit code ${code}):\n${output}`);
    t.diagnostic(summary(output));
  });

  it('without a key: every operation but health refuses with its documented 401, whatever key is made up', async (t: TestContext) => {
    const { code, output } = await schemathesis([
      `${target.url}/openapi.json`,
      // Without a key every answer but health's is the same 401, so the coverage phase (every method,
      // each made-up key, header and value) says all there is; random fuzzing would repeat it.
      '--phases', 'examples,coverage',
      // Its warning that operations "only return 401" is what this run expects.
      '--warnings', 'off',
    ]);
    assert.equal(code, 0, `schemathesis found problems (exit code ${code}):\n${output}`);
    t.diagnostic(summary(output));
  });
});
