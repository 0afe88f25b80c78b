import { ConfigurationError } from '../config/settings';
import { SecretBox } from '../platform/encryption';
import { ensureDemoCounty, findConfiguredCountyId, type NewCounty } from '../services/permits/counties';
import { historicalPullFinished } from '../services/permits/pull-jobs';
import { arcgisSimulatorDefinition } from '../simulators/arcgis/definition';
import { LAYER_PATH, SIMULATED_ARCGIS_MAPPING } from '../simulators/arcgis/server';
import { SANDBOX_SIMULATOR_HOST, sandboxSimulatorUrl } from '../simulators/registry';
import { socrataSimulatorDefinition } from '../simulators/socrata/definition';
import { SIMULATED_SOCRATA_DATASET_ID, SIMULATED_SOCRATA_MAPPING } from '../simulators/socrata/server';
import { startDemoPullUnlessDone } from './demo-pull';
import type { SandboxContext, SandboxSeeder } from './seed-demo';

type OpenDataDemoCounty = Extract<NewCounty, { platform: 'socrata' | 'arcgis' }>;

const OPEN_DATA_DEMO_PLATFORMS = ['socrata', 'arcgis'] as const;

/**
 * The demo county on the Socrata or ArcGIS simulator. Its source (domain or layer URL: host and fixed port) is its
 * identity, the same on every start, so a restarted sandbox finds it.
 */
export function openDataDemoCounty(platform: OpenDataDemoCounty['platform'], simulatorBasePort: number): OpenDataDemoCounty {
  const common = { source_token: null, time_zone: 'America/New_York' };
  if (platform === 'socrata') {
    const domain = sandboxSimulatorUrl(socrataSimulatorDefinition, SANDBOX_SIMULATOR_HOST, simulatorBasePort);
    return { platform, name: 'Springfield (demo, Socrata)', domain, dataset_id: SIMULATED_SOCRATA_DATASET_ID, field_mapping: SIMULATED_SOCRATA_MAPPING, ...common };
  }
  const server = sandboxSimulatorUrl(arcgisSimulatorDefinition, SANDBOX_SIMULATOR_HOST, simulatorBasePort);
  return { platform, name: 'Shelbyville (demo, ArcGIS)', layer_url: `${server}${LAYER_PATH}`, field_mapping: SIMULATED_ARCGIS_MAPPING, ...common };
}

/**
 * Adds the demo county of each open-data platform (once) and starts its 30-year pull unless one ran or runs already;
 * one seeder per platform, so one failing leaves the other's demo in place.
 */
export const openDataSandboxSeeders: SandboxSeeder[] = OPEN_DATA_DEMO_PLATFORMS.map((platform) => ({
  name: platform,
  async seed(context) {
    const { settings, db } = context;
    if (!settings.ENCRYPTION_KEY) throw new ConfigurationError(`ENCRYPTION_KEY is needed to store the ${platform} demo county`);
    const county = openDataDemoCounty(platform, settings.SIMULATOR_BASE_PORT);
    const countyId = await ensureDemoCounty({ db, secrets: SecretBox.fromBase64(settings.ENCRYPTION_KEY) }, county);
    return startDemoPullUnlessDone(context, countyId);
  },
}));

/** Waits for the open-data demo counties' historical pulls to end, so their leads exist; false when one has none. */
export async function openDataDemoPullsFinished(context: SandboxContext): Promise<boolean> {
  const finished = await Promise.all(
    OPEN_DATA_DEMO_PLATFORMS.map(async (platform) => {
      const countyId = await findConfiguredCountyId(context.db, openDataDemoCounty(platform, context.settings.SIMULATOR_BASE_PORT));
      return countyId !== undefined && historicalPullFinished(context, countyId);
    }),
  );
  return finished.every(Boolean);
}
