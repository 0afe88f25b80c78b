import { z } from 'zod';

/** Settings of the AutoTrader UK used-car listing pipeline (spread into `settingsSchema`). */
export const autotraderSettings = {
  /** Pause between result pages of one model scrape, in seconds (the original system used 2 s). */
  SCRAPING_DELAY: z.coerce.number().min(0).default(2),
  /** Model scrapes running at once across every worker process (a PostgreSQL advisory-lock semaphore). */
  MAX_CONCURRENT_SCRAPERS: z.coerce.number().int().min(1).max(32).default(2),
  /** The search centre; results are within AUTOTRADER_RADIUS_MILES of it. */
  AUTOTRADER_POSTCODE: z.string().trim().min(2).default('SW1A 1AA'),
  AUTOTRADER_RADIUS_MILES: z.coerce.number().int().min(1).max(1500).default(25),
  AUTOTRADER_FUEL_TYPE: z.string().default('Petrol'),
  AUTOTRADER_TRANSMISSION: z.string().default('Manual'),
  AUTOTRADER_YEAR_FROM: z.coerce.number().int().min(1950).max(2100).default(2018),
  /** Navigation and card-wait timeout per result page. */
  AUTOTRADER_PAGE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /** First wait after a bot challenge; doubled on each further attempt. */
  AUTOTRADER_CHALLENGE_RETRY_SECONDS: z.coerce.number().min(0).default(900),
  /** Pre-set the consent cookies so the Sourcepoint banner is not loaded (the banner is still handled if it shows). */
  AUTOTRADER_PRESET_CONSENT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** Failure screenshots older than this are deleted. */
  AUTOTRADER_SCREENSHOT_RETENTION_DAYS: z.coerce.number().min(0).default(7),
  /** Listings above this profit margin raise an alert. */
  DEAL_ALERT_MIN_MARGIN: z.coerce.number().default(0.2),
  /** A listing seen before whose price fell by this share of its previous price … */
  PRICE_DROP_ALERT_MIN_SHARE: z.coerce.number().min(0).max(1).default(0.05),
  /** … or by this many pounds raises a price-drop alert. */
  PRICE_DROP_ALERT_MIN_AMOUNT: z.coerce.number().min(0).default(1000),
  /** A model's median price moving by more than this share between the days it is analysed raises an anomaly alert. */
  MEDIAN_SHIFT_ALERT_THRESHOLD: z.coerce.number().min(0).default(0.05),
  /** A scrape finding fewer than this share of the model's usual listings (median of its recent runs) raises an anomaly alert. */
  SCRAPE_SHORTFALL_ALERT_SHARE: z.coerce.number().min(0).max(1).default(0.5),
  /** Alerts are also POSTed here as JSON when set. */
  ALERT_WEBHOOK_URL: z.url().optional(),
  /** An alert the webhook keeps failing to take (5xx, 408, 429, network) is given up this many hours after it was raised. */
  DEAL_ALERT_DELIVERY_WINDOW_HOURS: z.coerce.number().min(0).default(24),
  /** Create the daily batch Schedules paused (default: paused in sandbox mode, running otherwise). */
  AUTOTRADER_SCHEDULES_PAUSED: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  /** Models scraped at sandbox start-up (make:model, comma-separated). */
  AUTOTRADER_SANDBOX_MODELS: z.string().default('Ford:Fiesta,Volkswagen:Golf,Kia:Sportage,Dacia:Duster'),
  /** Politeness delay (seconds) of those start-up scrapes: the simulator needs no 2 s pause. */
  AUTOTRADER_SANDBOX_DELAY: z.coerce.number().min(0).default(0.5),
};
