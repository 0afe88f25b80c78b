import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from './logger';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal Runtime's logger (`Runtime.install({ logger })`) writing through our pino logger, so
 * SDK lines, workflow `log` lines and activity `log` lines (which the SDK tags with workflowId,
 * workflowType, activityType, attempt…) share one format and one redaction. The activity task token
 * is dropped: an opaque blob of a few hundred characters that says nothing to a reader.
 */
export function temporalLogger(base: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const { taskToken: _taskToken, ...fields } = meta;
    base[PINO_LEVEL[level]](fields, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
