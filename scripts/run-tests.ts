import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { startEphemeralInfrastructure } from '../platform/ephemeral-infrastructure';
import { generateEncryptionKey } from '../platform/encryption';
import { knownTestCredentials } from '../test/support/audit/known-credentials';
import { TEST_AUDIT_DIR_VARIABLE } from '../test/support/audit/response-recorder';
import { auditLogs, auditResponses, auditTemporal, type Finding, formatFindings } from '../test/support/audit/run-audit';
import { TEST_ENCRYPTION_KEY_VARIABLE } from '../test/support/encryption-key';

const ROOT = path.resolve(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Runs node's test runner, printing its output and writing a copy to `logFile` for the audit. */
function runTestFiles(files: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const log = createWriteStream(logFile);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`, ...files],
      { cwd: ROOT, stdio: ['inherit', 'pipe', 'pipe'], env },
    );
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      log.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      log.write(chunk);
    });
    child.once('close', (code) => log.end(() => resolve(code ?? 1)));
  });
}

/**
 * The secrets and personal-data audit (test/support/audit/run-audit.ts) over what the run left:
 * the dev server's workflows and schedules, the test processes' logs, the API responses recorded.
 */
async function auditRun(temporalAddress: string, auditDir: string, logFile: string, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const credentials = knownTestCredentials(env);
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const workflows = await auditTemporal({ connection, credentials });
    const logs = await auditLogs(logFile, credentials);
    const responses = await auditResponses(auditDir, credentials);
    const findings = [...workflows.findings, ...logs.findings, ...responses.findings];
    console.log(
      `\nSecrets and personal-data audit: ${workflows.executions} workflow executions, ${workflows.schedules} schedules, ` +
        `${logs.entries} log entries, ${responses.responses} API responses (${responses.withContactData} of contact-data routes with owner contacts, allowed); ` +
        `${credentials.length} known credentials, e-mail addresses and phone numbers looked for`,
    );
    console.log(findings.length === 0 ? 'audit: nothing found' : `audit FAILED: ${formatFindings(findings)}`);
    return findings;
  } finally {
    await connection.close();
  }
}

/**
 * `npm test`: one Temporal dev server, one PostgreSQL and one workflow bundle for the whole run,
 * then node's test runner over every test file (or the files given as arguments), then the secrets
 * and personal-data audit while the dev server is still up. Each test file makes its own database
 * and task queues, so files can run side by side.
 */
async function main() {
  const requested = process.argv.slice(2);
  const files = (requested.length > 0 ? requested.map((file) => path.resolve(file)) : testFiles(path.join(ROOT, 'test'))).sort();
  const infrastructure = await startEphemeralInfrastructure();
  const auditDir = await mkdtemp(path.join(os.tmpdir(), 'prospector-audit-'));
  const logFile = path.join(auditDir, 'test-output.log');
  const env = {
    ...infrastructure.childEnv(),
    [TEST_AUDIT_DIR_VARIABLE]: auditDir,
    [TEST_ENCRYPTION_KEY_VARIABLE]: generateEncryptionKey(),
  };
  let exitCode = 1;
  try {
    exitCode = await runTestFiles(files, env, logFile);
    const findings = await auditRun(infrastructure.temporalAddress, auditDir, logFile, env);
    if (findings.length > 0) exitCode = exitCode || 1;
  } finally {
    await infrastructure.stop();
    if (exitCode === 0) await rm(auditDir, { recursive: true, force: true });
    else console.log(`test output and recorded API responses kept in ${auditDir}`);
  }
  process.exit(exitCode);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
