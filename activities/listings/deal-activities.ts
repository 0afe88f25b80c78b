import { request } from 'undici';
import { raisesAlert } from '../../domain/listings/deal-rating';
import { summariseMarket } from '../../domain/listings/market-summary';
import { valueModel } from '../../domain/listings/pricing';
import type { PricedCar } from '../../domain/listings/similarity';
import { logger } from '../../platform/logger';
import { recordDealsAnalysed } from '../../stores/listings/scrape-runs';
import type { ActivityDependencies } from '../dependencies';

/** Listings not seen for this long are treated as sold and leave the comparison sample. */
const MARKET_WINDOW_DAYS = 30;

export interface DealAnalysis {
  listingsValued: number;
  dealsRated: number;
  insufficientSample: number;
  alertsRaised: number;
}

/** Prices one model's current listings against each other and stores deals, the market summary and alerts. */
export function createDealActivities({ db, settings }: Pick<ActivityDependencies, 'db' | 'settings'>) {
  return {
    async analyseModelDeals(input: { runId: number | null; make: string; model: string }): Promise<DealAnalysis> {
      const { rows } = await db.query<{ advert_id: string; year: number; mileage: number; price: number; subtitle: string | null }>(
        `SELECT advert_id, year, mileage, price, subtitle FROM listings
          WHERE make = $1 AND model = $2 AND year IS NOT NULL AND mileage IS NOT NULL
            AND last_seen > now() - make_interval(days => $3)`,
        [input.make, input.model, MARKET_WINDOW_DAYS],
      );
      const cars: PricedCar[] = rows.map((r) => ({ id: r.advert_id, year: r.year, mileage: r.mileage, price: r.price, spec: r.subtitle }));
      const valuations = valueModel(cars);
      const rated = cars.flatMap((car) => {
        const valuation = valuations.get(car.id)!;
        return valuation.status === 'rated' ? [{ car, valuation }] : [];
      });

      await db.query(
        `INSERT INTO deals (advert_id, make, model, price, estimated_value, profit_margin, rating, sample_size, confidence, sample_summary)
         SELECT t.advert_id, $9, $10, t.price, t.estimated_value, t.margin, t.rating, t.sample_size, t.confidence, t.summary
           FROM unnest($1::text[], $2::int[], $3::int[], $4::numeric[], $5::text[], $6::int[], $7::numeric[], $8::jsonb[])
             AS t(advert_id, price, estimated_value, margin, rating, sample_size, confidence, summary)
         ON CONFLICT (advert_id) DO UPDATE SET price = EXCLUDED.price, estimated_value = EXCLUDED.estimated_value,
           profit_margin = EXCLUDED.profit_margin, rating = EXCLUDED.rating, sample_size = EXCLUDED.sample_size,
           confidence = EXCLUDED.confidence, sample_summary = EXCLUDED.sample_summary, analysed_at = now()`,
        [
          rated.map((d) => d.car.id),
          rated.map((d) => d.car.price),
          rated.map((d) => d.valuation.estimatedValue),
          rated.map((d) => Math.round(d.valuation.margin * 10_000) / 10_000),
          rated.map((d) => d.valuation.rating),
          rated.map((d) => d.valuation.sampleSize),
          rated.map((d) => d.valuation.confidence),
          rated.map((d) => JSON.stringify(d.valuation.sample)),
          input.make,
          input.model,
        ],
      );
      // A listing that no longer has enough similar cars (or has gone) keeps no stale rating.
      await db.query(`DELETE FROM deals WHERE make = $1 AND model = $2 AND NOT (advert_id = ANY($3::text[]))`, [
        input.make,
        input.model,
        rated.map((d) => d.car.id),
      ]);

      const history = await db.query<{ advert_id: string; price: number; observed_at: Date }>(
        `SELECT h.advert_id, h.price, h.observed_at FROM listing_price_history h JOIN listings l USING (advert_id)
          WHERE l.make = $1 AND l.model = $2 AND l.last_seen > now() - make_interval(days => $3)`,
        [input.make, input.model, MARKET_WINDOW_DAYS],
      );
      const summary = summariseMarket(
        cars.map((c) => c.price),
        history.rows.map((h) => ({ advertId: h.advert_id, price: h.price, observedAt: h.observed_at })),
      );
      await db.query(
        `INSERT INTO market_summaries (make, model, sample_size, min_price, max_price, median_price, trend, trend_pct, confidence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (make, model) DO UPDATE SET sample_size = EXCLUDED.sample_size, min_price = EXCLUDED.min_price,
           max_price = EXCLUDED.max_price, median_price = EXCLUDED.median_price, trend = EXCLUDED.trend,
           trend_pct = EXCLUDED.trend_pct, confidence = EXCLUDED.confidence, analysed_at = now()`,
        [input.make, input.model, summary.sampleSize, summary.minPrice, summary.maxPrice, summary.medianPrice, summary.trend, summary.trendPct, summary.confidence],
      );

      const alerting = rated.filter((d) => raisesAlert(d.valuation.margin, settings.DEAL_ALERT_MIN_MARGIN));
      const inserted = await db.query<{ id: number; advert_id: string; price: number; estimated_value: number; profit_margin: number }>(
        `INSERT INTO deal_alerts (advert_id, make, model, price, estimated_value, profit_margin, webhook_status)
         SELECT t.advert_id, $4, $5, t.price, t.estimated_value, t.margin, $6
           FROM unnest($1::text[], $2::int[], $3::int[], $7::numeric[]) AS t(advert_id, price, estimated_value, margin)
         ON CONFLICT (advert_id, price) DO NOTHING
         RETURNING id, advert_id, price, estimated_value, profit_margin`,
        [
          alerting.map((d) => d.car.id),
          alerting.map((d) => d.car.price),
          alerting.map((d) => d.valuation.estimatedValue),
          input.make,
          input.model,
          settings.ALERT_WEBHOOK_URL ? 'pending' : 'not_configured',
          alerting.map((d) => Math.round(d.valuation.margin * 10_000) / 10_000),
        ],
      );
      if (settings.ALERT_WEBHOOK_URL) {
        for (const alert of inserted.rows) await postAlert(db, settings.ALERT_WEBHOOK_URL, { ...alert, make: input.make, model: input.model });
      }
      if (input.runId !== null) await recordDealsAnalysed(db, input.runId, rated.length);
      return {
        listingsValued: cars.length,
        dealsRated: rated.length,
        insufficientSample: cars.length - rated.length,
        alertsRaised: inserted.rowCount ?? 0,
      };
    },
  };
}

/** POSTs one alert as JSON; a webhook failure is recorded on the alert, never fails the analysis. */
async function postAlert(
  db: Pick<ActivityDependencies['db'], 'query'>,
  url: string,
  alert: { id: number; advert_id: string; make: string; model: string; price: number; estimated_value: number; profit_margin: number },
): Promise<void> {
  let status: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'autotrader.deal_alert', ...alert }),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    await response.body.dump();
    status = response.statusCode < 300 ? 'sent' : `failed: HTTP ${response.statusCode}`;
  } catch (error) {
    status = `failed: ${(error as Error).message}`;
    logger.warn({ alertId: alert.id, err: error }, 'deal alert webhook failed');
  }
  await db.query('UPDATE deal_alerts SET webhook_status = $2 WHERE id = $1', [alert.id, status]);
}

export type DealActivities = ReturnType<typeof createDealActivities>;
