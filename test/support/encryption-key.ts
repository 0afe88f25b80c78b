import { generateEncryptionKey } from '../../platform/encryption';

/** Set by scripts/run-tests.ts: one key for the whole run, so the audit after the suite knows what to look for. */
export const TEST_ENCRYPTION_KEY_VARIABLE = 'TEST_ENCRYPTION_KEY';

/**
 * One credential key per test run (per process when run outside scripts/run-tests.ts), shared by the
 * test API and the test workers, as one deployment shares ENCRYPTION_KEY: what the API seals, the
 * workers can open.
 */
export const TEST_ENCRYPTION_KEY = process.env[TEST_ENCRYPTION_KEY_VARIABLE] || generateEncryptionKey();
