import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { totalKnownFromPage } from '../../domain/listings/page-total';

describe('a list total known from its page, without counting', () => {
  it('is the rows before and on a page that is not full: it is the last page', () => {
    assert.equal(totalKnownFromPage({ limit: 100, offset: 0 }, 0), 0);
    assert.equal(totalKnownFromPage({ limit: 100, offset: 0 }, 37), 37);
    assert.equal(totalKnownFromPage({ limit: 100, offset: 200 }, 1), 201);
  });

  it('is unknown on a full page (more may follow) and on an empty page past the first (the end may be anywhere before it)', () => {
    assert.equal(totalKnownFromPage({ limit: 100, offset: 0 }, 100), null);
    assert.equal(totalKnownFromPage({ limit: 100, offset: 300 }, 100), null);
    assert.equal(totalKnownFromPage({ limit: 100, offset: 300 }, 0), null);
  });
});
