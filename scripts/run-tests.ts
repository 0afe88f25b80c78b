import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startEphemeralInfrastructure } from '../platform/ephemeral-infrastructure';

const ROOT = path.resolve(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * `npm test`: one Temporal dev server, one PostgreSQL and one workflow bundle for the whole run,
 * then node's test runner over every test file (or the files given as arguments). Each test file
 * makes its own database and task queues, so files can run side by side.
 */
async function main() {
  const requested = process.argv.slice(2);
  const files = (requested.length > 0 ? requested.map((file) => path.resolve(file)) : testFiles(path.join(ROOT, 'test'))).sort();
  const infrastructure = await startEphemeralInfrastructure();
  let exitCode = 1;
  try {
    exitCode = await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`, ...files],
        {
          cwd: ROOT,
          stdio: 'inherit',
          env: infrastructure.childEnv(),
        },
      );
      child.once('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    await infrastructure.stop();
  }
  process.exit(exitCode);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
