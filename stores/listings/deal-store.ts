import type { AlertKind } from '../../domain/listings/alert-delivery';
import type { PricedCar } from '../../domain/listings/car-features';
import type { DailyMedian, MarketListing, MarketSummary } from '../../domain/listings/market-summary';
import type { Valuation } from '../../domain/listings/valuation';
import type { Database } from '../../platform/database';

type Queryable = Pick<Database, 'query'>;

/** One listing of a model as the analysis reads it: what the valuation compares and when it was seen. */
export type ModelListing = Omit<PricedCar, 'year' | 'mileage'> & MarketListing & { mileage: number | null };

/** One model's listings seen within the window (the valuation takes those with a year and mileage). */
export async function listingsOfModel(db: Queryable, make: string, model: string, windowDays: number): Promise<ModelListing[]> {
  const { rows } = await db.query<{
    advert_id: string;
    year: number | null;
    plate: string | null;
    mileage: number | null;
    price: number;
    subtitle: string | null;
    seller_type: 'private' | 'trade';
    body_type: string | null;
    fuel_type: string | null;
    gearbox: string | null;
    first_seen: Date;
    last_seen: Date;
  }>(
    `SELECT advert_id, year, plate, mileage, price, subtitle, seller_type, body_type, fuel_type, gearbox, first_seen, last_seen
       FROM listings
      WHERE make = $1 AND model = $2 AND last_seen > now() - make_interval(days => $3)`,
    [make, model, windowDays],
  );
  return rows.map((r) => ({
    id: r.advert_id,
    year: r.year,
    plate: r.plate,
    mileage: r.mileage,
    price: r.price,
    subtitle: r.subtitle,
    sellerType: r.seller_type,
    body: r.body_type,
    fuel: r.fuel_type,
    gearbox: r.gearbox,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  }));
}

/** The latest price of each listing of the model whose price changed, beside the price before it. */
export async function latestPriceChanges(db: Queryable, make: string, model: string, windowDays: number) {
  const { rows } = await db.query<{ advert_id: string; price: number; previous: number }>(
    `SELECT advert_id, price, previous FROM (
       SELECT h.advert_id, h.price,
              lag(h.price) OVER (PARTITION BY h.advert_id ORDER BY h.observed_at, h.id) AS previous,
              row_number() OVER (PARTITION BY h.advert_id ORDER BY h.observed_at DESC, h.id DESC) AS newest
         FROM listing_price_history h JOIN listings l USING (advert_id)
        WHERE l.make = $1 AND l.model = $2 AND l.last_seen > now() - make_interval(days => $3)) changes
      WHERE newest = 1 AND previous IS NOT NULL`,
    [make, model, windowDays],
  );
  return rows.map((r) => ({ advertId: r.advert_id, price: r.price, previous: r.previous }));
}

/** A listing's price and its valuation, as the deals table stores them. */
export type RatedDeal = { advertId: string; price: number } & Omit<Extract<Valuation, { status: 'rated' }>, 'status'>;

const roundMargin = (margin: number) => Math.round(margin * 10_000) / 10_000;

/**
 * Replaces one model's deals with `rated`: upserts them, and removes the rating of every listing of
 * the model that no longer has one (too few similar cars, or gone), so no stale rating stays.
 */
export async function replaceModelDeals(db: Queryable, make: string, model: string, rated: readonly RatedDeal[]): Promise<void> {
  await db.query(
    `INSERT INTO deals (advert_id, make, model, price, estimated_value, conservative_value, confidence_level, profit_margin, rating,
                        sample_size, confidence, low_confidence, sample_summary)
     SELECT t.advert_id, $12, $13, t.price, t.estimated_value, t.conservative_value, t.confidence_level, t.margin, t.rating,
            t.sample_size, t.confidence, t.low_confidence, t.summary
       FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::numeric[], $6::numeric[], $7::text[], $8::int[], $9::numeric[],
                   $10::boolean[], $11::jsonb[])
         AS t(advert_id, price, estimated_value, conservative_value, confidence_level, margin, rating, sample_size, confidence,
              low_confidence, summary)
     ON CONFLICT (advert_id) DO UPDATE SET price = EXCLUDED.price, estimated_value = EXCLUDED.estimated_value,
       conservative_value = EXCLUDED.conservative_value, confidence_level = EXCLUDED.confidence_level,
       profit_margin = EXCLUDED.profit_margin, rating = EXCLUDED.rating, sample_size = EXCLUDED.sample_size,
       confidence = EXCLUDED.confidence, low_confidence = EXCLUDED.low_confidence, sample_summary = EXCLUDED.sample_summary,
       analysed_at = now()`,
    [
      rated.map((d) => d.advertId),
      rated.map((d) => d.price),
      rated.map((d) => d.estimatedValue),
      rated.map((d) => d.conservativeValue),
      rated.map((d) => d.confidenceLevel),
      rated.map((d) => roundMargin(d.margin)),
      rated.map((d) => d.rating),
      rated.map((d) => d.sampleSize),
      rated.map((d) => d.confidence),
      rated.map((d) => d.lowConfidence),
      rated.map((d) => JSON.stringify(d.sample)),
      make,
      model,
    ],
  );
  await db.query(`DELETE FROM deals WHERE make = $1 AND model = $2 AND NOT (advert_id = ANY($3::text[]))`, [
    make,
    model,
    rated.map((d) => d.advertId),
  ]);
}

export async function storeMarketSummary(db: Queryable, make: string, model: string, summary: MarketSummary): Promise<void> {
  await db.query(
    `INSERT INTO market_summaries (make, model, sample_size, min_price, max_price, median_price, trend, trend_pct, confidence,
                                   trend_days, age_bands, median_days_on_market, listings_gone)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (make, model) DO UPDATE SET sample_size = EXCLUDED.sample_size, min_price = EXCLUDED.min_price,
       max_price = EXCLUDED.max_price, median_price = EXCLUDED.median_price, trend = EXCLUDED.trend,
       trend_pct = EXCLUDED.trend_pct, confidence = EXCLUDED.confidence, trend_days = EXCLUDED.trend_days,
       age_bands = EXCLUDED.age_bands, median_days_on_market = EXCLUDED.median_days_on_market,
       listings_gone = EXCLUDED.listings_gone, analysed_at = now()`,
    [
      make,
      model,
      summary.sampleSize,
      summary.minPrice,
      summary.maxPrice,
      summary.medianPrice,
      summary.trend,
      summary.trendPct,
      summary.confidence,
      summary.trendDays,
      JSON.stringify(summary.ageBands),
      summary.medianDaysOnMarket,
      summary.listingsGone,
    ],
  );
}

/**
 * Records today's median and listing count for the model (the day's latest analysis wins) and
 * returns the model's daily medians, oldest first.
 */
export async function recordDailyMedian(db: Queryable, make: string, model: string, listings: number, medianPrice: number | null): Promise<DailyMedian[]> {
  await db.query(
    `INSERT INTO market_daily (make, model, day, listings, median_price) VALUES ($1, $2, current_date, $3, $4)
     ON CONFLICT (make, model, day) DO UPDATE SET listings = EXCLUDED.listings, median_price = EXCLUDED.median_price`,
    [make, model, listings, medianPrice],
  );
  return dailyMedians(db, make, model);
}

export async function dailyMedians(db: Queryable, make: string, model: string): Promise<DailyMedian[]> {
  const { rows } = await db.query<{ day: string; median_price: number; listings: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, median_price::float8 AS median_price, listings FROM market_daily
      WHERE make = $1 AND model = $2 AND median_price IS NOT NULL ORDER BY day`,
    [make, model],
  );
  return rows.map((r) => ({ day: r.day, medianPrice: r.median_price, listings: r.listings }));
}

/** Listings seen by the model's latest successful runs before `runId` (newest first). */
export async function recentRunListingCounts(db: Queryable, make: string, model: string, runId: number, runs: number): Promise<{ seen: number; recent: number[] }> {
  const [current, recent] = await Promise.all([
    db.query<{ listings_seen: number }>('SELECT listings_seen FROM scrape_runs WHERE id = $1', [runId]),
    db.query<{ listings_seen: number }>(
      `SELECT listings_seen FROM scrape_runs WHERE make = $1 AND model = $2 AND status = 'succeeded' AND id < $3
        ORDER BY started_at DESC LIMIT $4`,
      [make, model, runId, runs],
    ),
  ]);
  return { seen: current.rows[0]?.listings_seen ?? 0, recent: recent.rows.map((r) => r.listings_seen) };
}

/** An alert to raise; `key` makes it once per kind (advert and price, model and day, or run). */
export interface NewAlert {
  kind: AlertKind;
  key: string;
  make: string;
  model: string;
  advertId: string | null;
  price: number | null;
  previousPrice: number | null;
  estimatedValue: number | null;
  conservativeValue: number | null;
  margin: number | null;
  /** Kind-specific figures (medians, counts, shares): never personal data. */
  details: Record<string, unknown> | null;
}

/**
 * Stores each alert not raised before (by kind and key, so a re-scrape does not repeat one) and
 * returns how many are new. `pending` puts them in the webhook outbox; `not_configured` leaves them out of it.
 */
export async function raiseAlerts(db: Queryable, alerts: readonly NewAlert[], webhookStatus: 'pending' | 'not_configured'): Promise<number> {
  if (alerts.length === 0) return 0;
  const inserted = await db.query(
    `INSERT INTO deal_alerts (kind, alert_key, make, model, advert_id, price, previous_price, estimated_value, conservative_value,
                              profit_margin, details, webhook_status)
     SELECT t.*, $12 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[],
                                 $9::int[], $10::numeric[], $11::jsonb[])
       AS t(kind, alert_key, make, model, advert_id, price, previous_price, estimated_value, conservative_value, profit_margin, details)
     ON CONFLICT (kind, alert_key) DO NOTHING`,
    [
      alerts.map((a) => a.kind),
      alerts.map((a) => a.key),
      alerts.map((a) => a.make),
      alerts.map((a) => a.model),
      alerts.map((a) => a.advertId),
      alerts.map((a) => a.price),
      alerts.map((a) => a.previousPrice),
      alerts.map((a) => a.estimatedValue),
      alerts.map((a) => a.conservativeValue),
      alerts.map((a) => (a.margin === null ? null : roundMargin(a.margin))),
      alerts.map((a) => (a.details === null ? null : JSON.stringify(a.details))),
      webhookStatus,
    ],
  );
  return inserted.rowCount ?? 0;
}
