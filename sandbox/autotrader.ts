import { ConflictError } from '../domain/errors';
import { findFleetModel } from '../domain/listings/fleet';
import { startModelScrape } from '../services/listings/scrapes';
import type { SandboxSeeder } from './seed-demo';

/**
 * Starts scrapes of a few models (AUTOTRADER_SANDBOX_MODELS) against the simulator with a short
 * politeness delay, so deals, stats and alerts have data within minutes. The daily batch schedules
 * exist too, paused. Safe on every start: a model already being scraped is left alone.
 */
export const autotraderSandboxSeeder: SandboxSeeder = {
  name: 'autotrader',
  async seed({ settings, temporal, queues }) {
    const started: string[] = [];
    const running: string[] = [];
    for (const entry of settings.AUTOTRADER_SANDBOX_MODELS.split(',')) {
      const [make = '', model = ''] = entry.split(':').map((part) => part.trim());
      const fleetModel = findFleetModel(make, model);
      if (!fleetModel) throw new Error(`AUTOTRADER_SANDBOX_MODELS: ${entry} is not a fleet model`);
      try {
        await startModelScrape({ temporal, queues }, fleetModel, { maxResults: null, delaySeconds: settings.AUTOTRADER_SANDBOX_DELAY });
        started.push(`${fleetModel.make} ${fleetModel.model}`);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        running.push(`${fleetModel.make} ${fleetModel.model}`);
      }
    }
    return `AutoTrader scrapes started for ${started.join(', ') || 'no model'}${running.length ? `; already running: ${running.join(', ')}` : ''}; see GET /api/scrape/status, then /api/deals`;
  },
};
