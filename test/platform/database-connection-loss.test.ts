import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool } from '../../platform/database';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('a PostgreSQL session ended under a checked-out client', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('connection_loss');
  });
  after(async () => {
    await database?.drop();
  });

  it('does not crash the process: the client fails its next query and the pool serves again', async () => {
    // Found by `npm run chaos`: a worker holding a client between queries (a scraper slot's advisory
    // lock) died with an unhandled 'error' event when PostgreSQL was stopped.
    const pool = createPool(database.url, { max: 2, applicationName: 'connection-loss-test' });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise((resolve) => client.once('end', resolve));
      await database.db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await ended;
      await assert.rejects(client.query('SELECT 1'));
      client.release(true);
      assert.deepEqual(uncaught.map(String), []);
      assert.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
    }
  });
});
