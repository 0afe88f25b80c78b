import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../simulators/highlevel/server';

/** No banner line is wider than a terminal shows without wrapping. */
export const BANNER_MAX_WIDTH = 120;

export interface SandboxBannerUrls {
  api: string;
  /** Undefined when the stack uses an external Temporal server (its UI is wherever that server has it). */
  temporalUi: string | undefined;
  namespace: string;
  highlevelSimulator: string;
  alertWebhook: string;
}

/** The sandbox banner's guide: for each pipeline, the calls to try and the Web UI pages to open. */
export function sandboxBannerLines(urls: SandboxBannerUrls): string[] {
  const curl = `curl -H "X-API-Key: $KEY"`;
  const ui = urls.temporalUi ? `${urls.temporalUi}/namespaces/${encodeURIComponent(urls.namespace)}` : undefined;
  const search = JSON.stringify({ locationId: HIGHLEVEL_SIMULATOR_LOCATION, pageLimit: 20 });
  return [
    'Where to look (KEY is the API key above; the demo data arrives within about two minutes):',
    '  Permits: one demo county per platform (Accela, Socrata, ArcGIS simulators), 30 years of permits each;',
    '  the counties (id, platform, data_status), then each county\'s HVAC leads side by side (ID from the list):',
    `    ${curl} ${urls.api}/api/counties`,
    `    ${curl} "${urls.api}/api/leads?county_id=ID"`,
    `    ${curl} ${urls.api}/api/permits`,
    '  CRM sync (HighLevel simulator): the log says "all N demo leads with a phone or email synced" once it is over;',
    '  the sync status, then the contacts the simulator holds:',
    `    ${curl} ${urls.api}/api/summit/sync-status`,
    `    curl -X POST ${urls.highlevelSimulator}/contacts/search -H 'Version: 2021-07-28' \\`,
    `      -H 'Authorization: Bearer ${HIGHLEVEL_SIMULATOR_TOKEN}' -H 'Content-Type: application/json' \\`,
    `      -d '${search}'`,
    '  Deals (AutoTrader simulator) and their alerts, then what the local alert webhook received:',
    `    ${curl} ${urls.api}/api/deals`,
    `    ${curl} ${urls.api}/api/alerts`,
    `    curl ${urls.alertWebhook}/`,
    '  CEPiK lease-expiry report (Śląskie) and its opportunity score:',
    `    ${curl} "${urls.api}/api/registrations/lease-expiry?region=24"`,
    `    ${curl} "${urls.api}/api/opportunity?region=24"`,
    ...(ui
      ? ['  Temporal Web UI: the runs (each says what it is for) and the schedules:', `    ${ui}/workflows`, `    ${ui}/schedules`]
      : []),
  ];
}
