import pino, { type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

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

export type LogFormat = 'json' | 'pretty';

/**
 * `LOG_FORMAT` when set; otherwise readable lines for a person at a terminal and JSON for anything
 * else (a file, a pipe, a log shipper), so a supervised child's log file stays machine-readable.
 */
export function logFormat(env: NodeJS.ProcessEnv, isTerminal: boolean): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTerminal ? 'pretty' : 'json';
}

/**
 * pino-pretty as a synchronous stream in this thread (not a transport worker): one coloured line per
 * event, the time of day and level first, the event's fields after the message.
 */
function prettyStream(destination: DestinationStream | undefined, colorize: boolean): DestinationStream {
  return pinoPretty({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
    ...(destination ? { destination } : {}),
  });
}

/**
 * One structured logger for every process. Secret-bearing and contact fields are redacted by name so
 * a careless `logger.info({ county })` or `logger.warn({ lead })` cannot leak credentials or personal
 * data into logs (the audit after `npm test` checks what the logs really hold). Redaction happens
 * before formatting, so the readable format hides the same fields.
 */
export function createLogger(destination?: DestinationStream, format: LogFormat = destination ? 'json' : logFormat(process.env, process.stdout.isTTY === true)) {
  const stream = format === 'pretty' ? prettyStream(destination, destination === undefined && process.stdout.isTTY === true) : destination;
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    stream,
  );
}

export const logger = createLogger();

export type Logger = typeof logger;
