import { highLevelClientFor } from '../../clients/highlevel/connections';
import { HighLevelError } from '../../clients/highlevel/errors';
import { retryTransientHighLevelErrors } from '../../clients/highlevel/transient-retry';
import { InvalidRequestError, NotFoundError } from '../../domain/errors';
import { maskSecret } from '../../platform/encryption';
import { SharedRateLimits } from '../../platform/shared-rate-limits';
import {
  type CrmConfigChange,
  CrmTokenRequiredError,
  DEFAULT_CRM_TAGS,
  DEFAULT_PHONE_COUNTRY,
  isCrmConfigured,
  loadCrmConfig,
  saveCrmConfig,
} from '../../stores/crm/config';
import type { CrmServiceDependencies } from './dependencies';

type ConfigDependencies = Pick<CrmServiceDependencies, 'db' | 'secrets'>;

export const NOT_CONFIGURED_MESSAGE = 'HighLevel is not configured: PUT /api/summit/config first';
/** Probe address for the connection test: a read that needs the token, its scope and its location. */
const CONNECTION_TEST_EMAIL = 'connection-test@prospector.invalid';
/** A passing 5xx or timeout is tried once more, this long after, before the test reports it. */
const CONNECTION_TEST_RETRY_DELAY_MS = 500;

/** The configuration as it may be shown: the token masked, defaults where nothing is set yet. */
export interface CrmConfigSummary {
  configured: boolean;
  maskedToken: string | null;
  locationId: string | null;
  defaultTags: string[];
  defaultPhoneCountry: string;
  updatedAt: Date | null;
}

export async function crmConfigSummary({ db, secrets }: ConfigDependencies): Promise<CrmConfigSummary> {
  const config = await loadCrmConfig(db, secrets);
  return {
    configured: config !== null,
    maskedToken: maskSecret(config?.apiToken),
    locationId: config?.locationId ?? null,
    defaultTags: config?.defaultTags ?? DEFAULT_CRM_TAGS,
    defaultPhoneCountry: config?.defaultPhoneCountry ?? DEFAULT_PHONE_COUNTRY,
    updatedAt: config?.updatedAt ?? null,
  };
}

/** Saves the configuration (the token sealed); InvalidRequestError when the first save has no token. */
export async function saveCrmConfiguration(deps: ConfigDependencies, change: CrmConfigChange): Promise<CrmConfigSummary> {
  try {
    await saveCrmConfig(deps.db, deps.secrets, change);
  } catch (error) {
    if (error instanceof CrmTokenRequiredError) throw new InvalidRequestError(`api_token: ${error.message}`);
    throw error;
  }
  return crmConfigSummary(deps);
}

/** Configures the account unless one is configured already; says whether one was. */
export async function configureCrmUnlessConfigured(deps: ConfigDependencies, account: { apiToken: string; locationId: string }): Promise<{ configuredBefore: boolean }> {
  if (await isCrmConfigured(deps.db)) return { configuredBefore: true };
  await saveCrmConfig(deps.db, deps.secrets, account);
  return { configuredBefore: false };
}

export interface ConnectionTest {
  ok: boolean;
  status: number | null;
  message: string;
  /** The location's budget as HighLevel's headers told it, after a successful read. */
  rateLimit: { max: number | null; remaining: number | null; intervalMs: number | null; dailyRemaining: number | null } | null;
}

/**
 * One authenticated read against HighLevel (tried once more after a passing error): success, or the
 * CRM's error; NotFoundError before configuration.
 */
export async function testCrmConnection({ db, secrets, settings }: Pick<CrmServiceDependencies, 'db' | 'secrets' | 'settings'>): Promise<ConnectionTest> {
  const config = await loadCrmConfig(db, secrets);
  if (!config) throw new NotFoundError(NOT_CONFIGURED_MESSAGE);
  const client = highLevelClientFor(settings, config, new SharedRateLimits(db));
  try {
    await retryTransientHighLevelErrors(() => client.findDuplicate({ locationId: config.locationId, email: CONNECTION_TEST_EMAIL }), {
      retries: 1,
      baseDelayMs: CONNECTION_TEST_RETRY_DELAY_MS,
    });
    const limits = client.lastRateLimit;
    return {
      ok: true,
      status: 200,
      message: `connected to location ${config.locationId}`,
      rateLimit: limits ? { max: limits.max, remaining: limits.remaining, intervalMs: limits.intervalMs, dailyRemaining: limits.dailyRemaining } : null,
    };
  } catch (error) {
    if (!(error instanceof HighLevelError)) throw error;
    return { ok: false, status: error.status || null, message: error.message, rateLimit: null };
  }
}
