import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Database, runMigrations, withDatabaseName } from '../../platform/database';

export interface TestDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

export function requireEnv(name: 'DATABASE_URL' | 'TEMPORAL_ADDRESS' | 'WORKFLOW_BUNDLE_PATH'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests with \`npm test\` (or \`npm run test:only -- <file>\`)`);
  return value;
}

/** A fresh, migrated database of this test file's own, dropped afterwards: runs never collide. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const adminUrl = requireEnv('DATABASE_URL');
  const name = `prospector_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabaseName(adminUrl, name);
  await runMigrations(url);
  const db = createPool(url, { max: 20, applicationName: `test-${label}` });
  return {
    url,
    db,
    async drop() {
      await db.end().catch(() => undefined);
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * A county row with placeholder credentials, for tests that write its permits, properties or leads directly and
 * never call Accela. Returns its id.
 */
export async function insertBareCounty(db: Database, name: string, agency: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO counties (name, agency_name, app_id, app_secret_encrypted, username, password_encrypted)
     VALUES ($1, $2, 'app', 'sealed', 'user', 'sealed') RETURNING id`,
    [name, agency],
  );
  return Number(rows[0]!.id);
}
