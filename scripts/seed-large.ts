import os from 'node:os';
import { runMigrations } from '../platform/database';
import { LARGE_DATASET, seedLargeDataset } from './large-dataset';

/**
 * `npm run seed:large`: fills the database at DATABASE_URL (migrated first) with a statewide-size dataset
 * (LARGE_DATASET) for the API at size; its data tables are emptied first. Prints the time of each step.
 */
async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL to the database to fill (its data tables are emptied first)');
  await runMigrations(url);
  const started = performance.now();
  const timings = await seedLargeDataset(url, LARGE_DATASET);
  const seconds = (performance.now() - started) / 1000;
  for (const [step, took] of Object.entries(timings)) console.log(`${step.padEnd(36)} ${took.toFixed(1)} s`);
  console.log(`seeded ${JSON.stringify(LARGE_DATASET)} in ${seconds.toFixed(1)} s (load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')})`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
