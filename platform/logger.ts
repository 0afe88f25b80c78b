import pino from 'pino';

/**
 * One structured logger for every process. Secret-bearing fields are redacted by name so a
 * careless `logger.info({ county })` cannot leak credentials into logs.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  redact: {
    paths: [
      '*.password',
      '*.appSecret',
      '*.app_secret',
      '*.apiToken',
      '*.api_token',
      '*.accessToken',
      '*.refreshToken',
      '*.authorization',
      'password',
      'secret',
    ],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;
