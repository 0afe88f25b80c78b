import { generateEncryptionKey } from '../../platform/encryption';

/**
 * One credential key per test process, shared by the test API and the test workers, as one
 * deployment shares ENCRYPTION_KEY: what the API seals, the workers can open.
 */
export const TEST_ENCRYPTION_KEY = generateEncryptionKey();
