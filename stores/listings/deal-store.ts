import type { MarketSummary, PriceObservation } from '../../domain/listings/market-summary';
import type { Valuation } from '../../domain/listings/pricing';
import type { PricedCar } from '../../domain/listings/similarity';
import type { Database } from '../../platform/database';

type Queryable = Pick<Database, 'query'>;

/** One model's listings seen within the market window, with year and mileage (the ones that can be priced). */
export async function currentCarsOfModel(db: Queryable, make: string, model: string, windowDays: number): Promise<PricedCar[]> {
  const { rows } = await db.query<{ advert_id: string; year: number; mileage: number; price: number; subtitle: string | null }>(
    `SELECT advert_id, year, mileage, price, subtitle FROM listings
      WHERE make = $1 AND model = $2 AND year IS NOT NULL AND mileage IS NOT NULL
        AND last_seen > now() - make_interval(days => $3)`,
    [make, model, windowDays],
  );
  return rows.map((r) => ({ id: r.advert_id, year: r.year, mileage: r.mileage, price: r.price, spec: r.subtitle }));
}

/** The recorded prices of one model's listings seen within the market window. */
export async function priceHistoryOfModel(db: Queryable, make: string, model: string, windowDays: number): Promise<PriceObservation[]> {
  const { rows } = await db.query<{ advert_id: string; price: number; observed_at: Date }>(
    `SELECT h.advert_id, h.price, h.observed_at FROM listing_price_history h JOIN listings l USING (advert_id)
      WHERE l.make = $1 AND l.model = $2 AND l.last_seen > now() - make_interval(days => $3)`,
    [make, model, windowDays],
  );
  return rows.map((h) => ({ advertId: h.advert_id, price: h.price, observedAt: h.observed_at }));
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
    `INSERT INTO deals (advert_id, make, model, price, estimated_value, profit_margin, rating, sample_size, confidence, sample_summary)
     SELECT t.advert_id, $9, $10, t.price, t.estimated_value, t.margin, t.rating, t.sample_size, t.confidence, t.summary
       FROM unnest($1::text[], $2::int[], $3::int[], $4::numeric[], $5::text[], $6::int[], $7::numeric[], $8::jsonb[])
         AS t(advert_id, price, estimated_value, margin, rating, sample_size, confidence, summary)
     ON CONFLICT (advert_id) DO UPDATE SET price = EXCLUDED.price, estimated_value = EXCLUDED.estimated_value,
       profit_margin = EXCLUDED.profit_margin, rating = EXCLUDED.rating, sample_size = EXCLUDED.sample_size,
       confidence = EXCLUDED.confidence, sample_summary = EXCLUDED.sample_summary, analysed_at = now()`,
    [
      rated.map((d) => d.advertId),
      rated.map((d) => d.price),
      rated.map((d) => d.estimatedValue),
      rated.map((d) => roundMargin(d.margin)),
      rated.map((d) => d.rating),
      rated.map((d) => d.sampleSize),
      rated.map((d) => d.confidence),
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
    `INSERT INTO market_summaries (make, model, sample_size, min_price, max_price, median_price, trend, trend_pct, confidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (make, model) DO UPDATE SET sample_size = EXCLUDED.sample_size, min_price = EXCLUDED.min_price,
       max_price = EXCLUDED.max_price, median_price = EXCLUDED.median_price, trend = EXCLUDED.trend,
       trend_pct = EXCLUDED.trend_pct, confidence = EXCLUDED.confidence, analysed_at = now()`,
    [make, model, summary.sampleSize, summary.minPrice, summary.maxPrice, summary.medianPrice, summary.trend, summary.trendPct, summary.confidence],
  );
}

/**
 * Stores an alert per deal not alerted at this price before (one per advert and price, so a re-scrape
 * does not repeat it) and returns how many are new. `pending` puts them in the webhook outbox;
 * `not_configured` leaves them out of it.
 */
export async function raiseDealAlerts(
  db: Queryable,
  make: string,
  model: string,
  deals: readonly RatedDeal[],
  webhookStatus: 'pending' | 'not_configured',
): Promise<number> {
  const inserted = await db.query(
    `INSERT INTO deal_alerts (advert_id, make, model, price, estimated_value, profit_margin, webhook_status)
     SELECT t.advert_id, $4, $5, t.price, t.estimated_value, t.margin, $6
       FROM unnest($1::text[], $2::int[], $3::int[], $7::numeric[]) AS t(advert_id, price, estimated_value, margin)
     ON CONFLICT (advert_id, price) DO NOTHING`,
    [
      deals.map((d) => d.advertId),
      deals.map((d) => d.price),
      deals.map((d) => d.estimatedValue),
      make,
      model,
      webhookStatus,
      deals.map((d) => roundMargin(d.margin)),
    ],
  );
  return inserted.rowCount ?? 0;
}
