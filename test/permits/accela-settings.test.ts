import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crmAutoSyncEnabled } from '../../config/accela-settings';
import { ConfigurationError, loadSettings } from '../../config/settings';

describe('Accela settings', () => {
  it('defaults CRM_AUTO_SYNC to on in sandbox mode and off otherwise, unless set', () => {
    assert.equal(crmAutoSyncEnabled(loadSettings({ SOURCES: 'sandbox' })), true);
    assert.equal(crmAutoSyncEnabled(loadSettings({ SOURCES: 'real' })), false);
    assert.equal(crmAutoSyncEnabled(loadSettings({ SOURCES: 'sandbox', CRM_AUTO_SYNC: 'false' })), false);
    assert.equal(crmAutoSyncEnabled(loadSettings({ SOURCES: 'real', CRM_AUTO_SYNC: '1' })), true);
    assert.throws(() => loadSettings({ CRM_AUTO_SYNC: 'maybe' }), ConfigurationError);
  });

  it('has the documented pull defaults and refuses a page limit above Accela’s maximum', () => {
    const settings = loadSettings({});
    assert.deepEqual(
      [settings.ACCELA_PAGE_LIMIT, settings.ACCELA_REQUEST_TIMEOUT_MS, settings.ACCELA_RATE_LIMIT_PAUSE_FRACTION, settings.ACCELA_PAGE_DELAY_MS, settings.ACCELA_ENRICH_DELAY_MS, settings.ACCELA_MAX_RATE_LIMIT_RETRIES],
      [1000, 30_000, 0.15, 500, 100, 3],
    );
    assert.deepEqual([settings.ACCELA_INCREMENTAL_INTERVAL_DAYS, settings.ACCELA_INCREMENTAL_WINDOW_DAYS, settings.ACCELA_HISTORICAL_YEARS], [7, 8, 30]);
    assert.throws(() => loadSettings({ ACCELA_PAGE_LIMIT: '5000' }), /ACCELA_PAGE_LIMIT/);
  });
});
