import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ScrapedListing } from '../../clients/autotrader/listing';
import { listingsOfModel } from '../../stores/listings/deal-store';
import { storeListingsPage } from '../../stores/listings/listing-store';
import { createTestDatabase, type TestDatabase } from '../support/database';

const listing = (keySpecs: Pick<ScrapedListing, 'bodyType' | 'fuelType' | 'gearbox'>): ScrapedListing => ({
  advertId: '202612010000001',
  title: 'Skoda Octavia',
  subtitle: '1.5 TSI SE L 5dr',
  year: 2021,
  plate: '71',
  mileage: 30_000,
  price: 15_995,
  sellerType: 'trade',
  dealerName: null,
  dealerRating: 4.6,
  town: 'Leeds',
  distanceMiles: 8,
  url: 'https://www.autotrader.co.uk/car-details/202612010000001',
  priceIndicator: null,
  attentionGrabber: null,
  ...keySpecs,
});

describe('listing store: body, fuel and gearbox (PostgreSQL)', () => {
  let database: TestDatabase;
  const newRun = async () =>
    (await database.db.query<{ id: number }>(`INSERT INTO scrape_runs (make, model, workflow_id, max_results) VALUES ('Skoda', 'Octavia', $1, 100) RETURNING id`, [`key-specs-${Date.now()}-${Math.random()}`])).rows[0]!.id;

  before(async () => {
    database = await createTestDatabase('listing_key_specs');
  });
  after(async () => {
    await database?.drop();
  });

  it('stores them, keeps what an earlier card stated when a later one does not, and hands them to the valuation', async () => {
    const run = { make: 'Skoda', model: 'Octavia' };
    await storeListingsPage(database.db, { ...run, runId: await newRun() }, [listing({ bodyType: 'Estate', fuelType: 'Petrol', gearbox: 'Manual' })]);
    await storeListingsPage(database.db, { ...run, runId: await newRun() }, [listing({ bodyType: null, fuelType: 'Petrol', gearbox: null })]);
    const [stored] = await listingsOfModel(database.db, 'Skoda', 'Octavia', 30);
    assert.deepEqual([stored!.body, stored!.fuel, stored!.gearbox], ['Estate', 'Petrol', 'Manual']);

    await storeListingsPage(database.db, { ...run, runId: await newRun() }, [listing({ bodyType: 'Hatchback', fuelType: null, gearbox: 'Automatic' })]);
    const [updated] = await listingsOfModel(database.db, 'Skoda', 'Octavia', 30);
    assert.deepEqual([updated!.body, updated!.fuel, updated!.gearbox], ['Hatchback', 'Petrol', 'Automatic'], 'a stated value replaces the stored one');
  });
});
