import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequestError } from '../../domain/errors';
import { cursorKey, InvalidCursorError, listCursor, pageWithNextCursor } from '../../domain/list-cursor';

const permits = listCursor('permits', [cursorKey.timestamp, cursorKey.id]);
const deals = listCursor('deals', [cursorKey.decimal, cursorKey.text]);
const encodeRaw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function assertRefused(cursor: string, reason: RegExp, codec = permits) {
  assert.throws(() => codec.decode(cursor), (error: unknown) => {
    assert.ok(error instanceof InvalidCursorError, String(error));
    assert.ok(error instanceof InvalidRequestError, 'maps to a 400 through the API');
    assert.match(error.message, reason);
    return true;
  });
}

describe('list cursors (opaque base64url JSON of the sort keys and id, validated per list)', () => {
  it('round-trips a position exactly, keys kept as the text PostgreSQL printed', () => {
    for (const position of [['2024-03-01 00:00:00', '17'], ['-infinity', '9007199254740991'], ['2026-01-01 10:00:00.123456+00', '1']]) {
      const cursor = permits.encode(position);
      assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'URL-safe without escaping');
      assert.deepEqual(permits.decode(cursor), position);
    }
    assert.deepEqual(deals.decode(deals.encode(['-0.1250', '202401010001'])), ['-0.1250', '202401010001']);
  });

  it('refuses what is not base64url, not JSON, or too long', () => {
    assertRefused('abc+/=', /not base64url/);
    assertRefused(Buffer.from('not json').toString('base64url'), /not an encoded position/);
    assertRefused('a'.repeat(513), /longer than 512/);
  });

  it('refuses a cursor of another list', () => {
    assertRefused(deals.encode(['0.5000', '123']), /not a cursor of the permits list/);
  });

  it('refuses keys of the wrong shape or number, which would otherwise reach SQL', () => {
    assertRefused(encodeRaw({ l: 'permits', k: ['yesterday', '17'] }), /not a position in this list/);
    assertRefused(encodeRaw({ l: 'permits', k: ['2024-03-01 00:00:00', '0'] }), /not a position/);
    assertRefused(encodeRaw({ l: 'permits', k: ['2024-03-01 00:00:00', 17] }), /not a position/);
    assertRefused(encodeRaw({ l: 'permits', k: ['2024-03-01 00:00:00'] }), /not a position/);
    assertRefused(encodeRaw({ l: 'permits', k: ['2024-03-01 00:00:00', '17', '18'] }), /not a position/);
    assertRefused(encodeRaw({ l: 'permits', k: ['2024-03-01 00:00:00', '17'], extra: 1 }), /not a position/);
    assertRefused(encodeRaw({ l: 'deals', k: ['1e5', '123'] }), /not a position/, deals);
    assertRefused(encodeRaw(['2024-03-01 00:00:00', '17']), /not a position/);
  });
});

describe('a page and its next cursor', () => {
  const rows = [
    { id: 5, key: ['2024-01-05 00:00:00', '5'] },
    { id: 4, key: ['2024-01-04 00:00:00', '4'] },
    { id: 3, key: ['2024-01-03 00:00:00', '3'] },
  ];

  it('is null when no row beyond the page was read: the last page', () => {
    assert.deepEqual(pageWithNextCursor(rows, 3, permits, (row) => row.key), { rows, nextCursor: null });
    assert.deepEqual(pageWithNextCursor([], 3, permits, (row: { key: string[] }) => row.key), { rows: [], nextCursor: null });
  });

  it('points at the last row of the page when the extra row shows that more follow', () => {
    const page = pageWithNextCursor(rows, 2, permits, (row) => row.key);
    assert.deepEqual(page.rows.map((row) => row.id), [5, 4]);
    assert.deepEqual(permits.decode(page.nextCursor!), ['2024-01-04 00:00:00', '4']);
  });
});
