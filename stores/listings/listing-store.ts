import type { ScrapedListing } from '../../clients/autotrader/listing';
import { type Database, withTransaction } from '../../platform/database';

export interface StoredPage {
  inserted: number;
  updated: number;
  /** Already stored by this same run (a page re-read after a resume). */
  repeated: number;
}

/**
 * Upserts one page of listings in one transaction (one statement for the rows, one for price
 * history), idempotently: a page stored twice by the same run changes nothing.
 */
export async function storeListingsPage(
  db: Database,
  run: { runId: number; make: string; model: string },
  listings: readonly ScrapedListing[],
): Promise<StoredPage> {
  if (listings.length === 0) return { inserted: 0, updated: 0, repeated: 0 };
  return withTransaction(db, async (client) => {
    const ids = listings.map((l) => l.advertId);
    const { rows: existing } = await client.query<{ advert_id: string; price: number; last_scrape_run_id: number | null }>(
      'SELECT advert_id, price, last_scrape_run_id FROM listings WHERE advert_id = ANY($1::text[]) FOR UPDATE',
      [ids],
    );
    const known = new Map(existing.map((row) => [row.advert_id, row]));
    const result: StoredPage = { inserted: 0, updated: 0, repeated: 0 };
    const priced: Array<{ advertId: string; price: number }> = [];
    for (const listing of listings) {
      const before = known.get(listing.advertId);
      if (!before) result.inserted += 1;
      else if (before.last_scrape_run_id === run.runId) result.repeated += 1;
      else result.updated += 1;
      if (!before || before.price !== listing.price) priced.push({ advertId: listing.advertId, price: listing.price });
    }
    const column = <K extends keyof ScrapedListing>(key: K) => listings.map((l) => l[key]);
    await client.query(
      `INSERT INTO listings (advert_id, title, subtitle, year, plate, mileage, price, seller_type, dealer_name, dealer_rating,
                             location, distance_miles, url, price_indicator, attention_grabber, body_type, fuel_type, gearbox,
                             make, model, last_scrape_run_id)
       SELECT *, $19::text, $20::text, $21::bigint
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[],
                     $10::numeric[], $11::text[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
       ON CONFLICT (advert_id) DO UPDATE SET
         title = EXCLUDED.title, subtitle = EXCLUDED.subtitle, year = EXCLUDED.year, plate = EXCLUDED.plate,
         mileage = EXCLUDED.mileage, price = EXCLUDED.price, seller_type = EXCLUDED.seller_type,
         dealer_name = EXCLUDED.dealer_name, dealer_rating = EXCLUDED.dealer_rating, location = EXCLUDED.location,
         distance_miles = EXCLUDED.distance_miles, url = EXCLUDED.url, price_indicator = EXCLUDED.price_indicator,
         attention_grabber = EXCLUDED.attention_grabber,
         -- a card that does not state them (current layout) keeps what an earlier one did
         body_type = COALESCE(EXCLUDED.body_type, listings.body_type), fuel_type = COALESCE(EXCLUDED.fuel_type, listings.fuel_type),
         gearbox = COALESCE(EXCLUDED.gearbox, listings.gearbox), last_seen = now(), last_scrape_run_id = EXCLUDED.last_scrape_run_id`,
      [
        ids,
        column('title'),
        column('subtitle'),
        column('year'),
        column('plate'),
        column('mileage'),
        column('price'),
        column('sellerType'),
        column('dealerName'),
        column('dealerRating'),
        column('town'),
        column('distanceMiles'),
        column('url'),
        column('priceIndicator'),
        column('attentionGrabber'),
        column('bodyType'),
        column('fuelType'),
        column('gearbox'),
        run.make,
        run.model,
        run.runId,
      ],
    );
    if (priced.length > 0) {
      await client.query(
        'INSERT INTO listing_price_history (advert_id, price) SELECT * FROM unnest($1::text[], $2::int[])',
        [priced.map((p) => p.advertId), priced.map((p) => p.price)],
      );
    }
    return result;
  });
}

/** Advert ids this run has already stored, so a resumed run de-duplicates against them. */
export async function advertIdsOfRun(db: Database, runId: number): Promise<Set<string>> {
  const { rows } = await db.query<{ advert_id: string }>('SELECT advert_id FROM listings WHERE last_scrape_run_id = $1', [runId]);
  return new Set(rows.map((row) => row.advert_id));
}
