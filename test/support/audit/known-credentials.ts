import { SANDBOX_ACCELA_CREDENTIALS } from '../../../simulators/accela/server';
import { HIGHLEVEL_SIMULATOR_TOKEN } from '../../../simulators/highlevel/server';
import { TEST_API_KEY } from '../api';
import { TEST_ENCRYPTION_KEY_VARIABLE } from '../encryption-key';
import type { KnownCredential } from './leak-detectors';

/**
 * The credentials the end-to-end tests hand to the code under test, taken from where the tests take
 * them (never copied here as literals, so a changed value is still looked for): the Accela
 * simulator's app and user, the HighLevel simulator's token, the test API key and the run's
 * encryption key (scripts/run-tests.ts generates it and passes it to every test process).
 */
export function knownTestCredentials(env: NodeJS.ProcessEnv = process.env): KnownCredential[] {
  const credentials: KnownCredential[] = [
    { label: 'Accela app secret', value: SANDBOX_ACCELA_CREDENTIALS.appSecret, kind: 'secret' },
    { label: 'Accela password', value: SANDBOX_ACCELA_CREDENTIALS.password, kind: 'secret' },
    { label: 'Accela app id', value: SANDBOX_ACCELA_CREDENTIALS.appId, kind: 'account-identifier' },
    { label: 'Accela user name', value: SANDBOX_ACCELA_CREDENTIALS.username, kind: 'account-identifier' },
    { label: 'HighLevel API token', value: HIGHLEVEL_SIMULATOR_TOKEN, kind: 'secret' },
    { label: 'API key', value: TEST_API_KEY, kind: 'secret' },
  ];
  const encryptionKey = env[TEST_ENCRYPTION_KEY_VARIABLE];
  if (encryptionKey) credentials.push({ label: 'encryption key', value: encryptionKey, kind: 'secret' });
  return credentials;
}
