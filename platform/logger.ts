import pino, { type DestinationStream } from 'pino';

/** Field names whose values are secrets: credentials, tokens, API and encryption keys, auth headers. */
const SECRET_FIELDS = [
  'password', 'secret', 'appSecret', 'app_secret', 'client_secret', 'apiToken', 'api_token', 'token', 'accessToken', 'access_token',
  'refreshToken', 'refresh_token', 'authorization', 'apiKey', 'api_key', 'x-api-key', 'encryptionKey',
];

/** Field names whose values are an owner's contact details (a lead, a contact, a permit contact). */
const PERSONAL_FIELDS = ['email', 'phone', 'ownerEmail', 'ownerPhone', 'owner_email', 'owner_phone'];

/**
 * Redacted paths: those fields at the top level and one level down (`{ county }`, `{ lead }`,
 * `{ headers }`). Paths, not patterns: pino compiles them once and they cost nothing on lines
 * without these fields.
 */
export const REDACTED_PATHS = [...SECRET_FIELDS, ...PERSONAL_FIELDS].flatMap((field) => {
  const key = /^\w+$/.test(field) ? field : `["${field}"]`;
  return [key, key.startsWith('[') ? `*${key}` : `*.${key}`];
});

/**
 * One structured logger for every process. Secret-bearing and contact fields are redacted by name so
 * a careless `logger.info({ county })` or `logger.warn({ lead })` cannot leak credentials or personal
 * data into logs (the audit after `npm test` checks what the logs really hold).
 */
export function createLogger(destination?: DestinationStream) {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

export const logger = createLogger();

export type Logger = typeof logger;
