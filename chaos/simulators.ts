import { AccelaSimulator, SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';
import { startAutotraderSimulator } from '../simulators/autotrader/server';
import { startCepikSimulator } from '../simulators/cepik/server';
import { startHighLevelSimulator } from '../simulators/highlevel/server';
import { freePort } from '../platform/free-port';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { ACCELA_TOKEN_EXPIRY_SECONDS, type ChaosScale, MALFORMED_SHARE, SOURCE_FAULT_RATES } from './scale';

/** The clients' request timeouts in the chaos stack; a simulated timeout holds a request longer than these. */
export const CLIENT_TIMEOUT_MS = { accela: 5_000, cepik: 5_000, highlevel: 5_000, autotraderPage: 10_000 } as const;
const HOLD_PAST_TIMEOUT_MS = 1_500;

export type ChaosSimulators = Awaited<ReturnType<typeof startChaosSimulators>>;

/**
 * The four sources' simulators in this process, so the runner holds their ground truth, plus the deal
 * alert webhook receiver. With `faults`, each serves 10 % 5xx, 5 % 429 and 2 % timeouts (seeded), Accela
 * expires every token every 20 s, and Accela and CEPiK serve 1 % malformed records (the pipelines
 * with a rejects table); without, the same data with no faults (the baseline).
 */
export async function startChaosSimulators(scale: ChaosScale, faults: boolean) {
  const rates = faults ? SOURCE_FAULT_RATES : {};
  const accela = new AccelaSimulator({
    seed: `chaos-${scale.seed}`,
    permitsPerAgency: scale.permitsPerCounty,
    years: scale.years,
    mechanicalShare: 0.6,
    // Malformed records in both runs, so the baseline's data equals the chaos run's.
    malformedRecords: Math.max(1, Math.round(scale.permitsPerCounty * MALFORMED_SHARE)),
    latencyMs: 5,
    rateLimit: { limit: 100_000, windowSeconds: 3600 },
    randomFaults: { rates, seed: scale.seed, timeoutMs: CLIENT_TIMEOUT_MS.accela + HOLD_PAST_TIMEOUT_MS },
    expireTokensEverySeconds: faults ? ACCELA_TOKEN_EXPIRY_SECONDS : 0,
  });
  const accelaUrl = await accela.listen('127.0.0.1', await freePort());
  const cepik = await startCepikSimulator({
    host: '127.0.0.1',
    port: await freePort(),
    rateLimitPerSecond: 1_000,
    rateLimitedWaitSeconds: 1,
    malformedEvery: Math.round(1 / MALFORMED_SHARE),
    randomFaults: { rates, seed: scale.seed + 1, timeoutMs: CLIENT_TIMEOUT_MS.cepik + HOLD_PAST_TIMEOUT_MS },
  });
  const autotrader = await startAutotraderSimulator({
    host: '127.0.0.1',
    port: await freePort(),
    renderDelayMs: 50,
    randomFaults: { rates, seed: scale.seed + 2, timeoutMs: CLIENT_TIMEOUT_MS.autotraderPage + HOLD_PAST_TIMEOUT_MS },
  });
  const highlevel = await startHighLevelSimulator({
    host: '127.0.0.1',
    port: await freePort(),
    latencyMs: 20,
    faultRates: faults ? { 429: SOURCE_FAULT_RATES.rateLimited, 500: SOURCE_FAULT_RATES.serverError, timeout: SOURCE_FAULT_RATES.timeout } : {},
    faultSeed: scale.seed + 3,
    timeoutHoldMs: CLIENT_TIMEOUT_MS.highlevel + HOLD_PAST_TIMEOUT_MS,
  });
  const alerts = new WebhookReceiver();
  const alertUrl = await alerts.start();
  return {
    accela,
    accelaCredentials: SANDBOX_ACCELA_CREDENTIALS,
    cepik,
    autotrader,
    highlevel,
    alerts,
    /** The stack's settings that point the pipelines at these simulators. */
    env: {
      ACCELA_API_URL: accelaUrl,
      ACCELA_AUTH_URL: accelaUrl,
      CEPIK_BASE_URL: cepik.url,
      AUTOTRADER_BASE_URL: autotrader.url,
      HIGHLEVEL_BASE_URL: highlevel.url,
      ALERT_WEBHOOK_URL: alertUrl,
    },
    /** Faults each simulator served, by kind. */
    servedFaults: () => ({
      accela: { ...accela.randomFaults.counts, token_expiries: accela.stats.tokenExpiries, expired_token_rejections: accela.stats.expiredTokenRejections },
      cepik: { ...cepik.randomFaults.counts },
      autotrader: { ...autotrader.randomFaults.counts },
      highlevel: {
        429: highlevel.requests.filter((request) => request.status === 429).length,
        500: highlevel.requests.filter((request) => request.status === 500).length,
      },
    }),
    async close() {
      await Promise.all([accela.close(), cepik.close(), autotrader.close(), highlevel.close(), alerts.close()]);
    },
  };
}
