import type { FieldMapping } from './open-data-record';

type ExampleSource = { timeZone: string; mapping: FieldMapping } & ({ platform: 'socrata'; domain: string; datasetId: string } | { platform: 'arcgis'; layerUrl: string });

/**
 * Field mappings for real permit datasets, from the column names recorded in ../shared/reference/socrata.md §11 and
 * arcgis.md §9. They are starting points a data engineer copies when adding a jurisdiction: a connection test
 * (`POST /api/counties/test-credentials`) checks each against the live metadata and names any column that moved.
 */
export const EXAMPLE_MAPPINGS = {
  /** Chicago building permits, Socrata `data.cityofchicago.org` `ydr8-5enu`. */
  chicago: {
    platform: 'socrata',
    domain: 'data.cityofchicago.org',
    datasetId: 'ydr8-5enu',
    timeZone: 'America/Chicago',
    mapping: {
      permit_number: 'permit_', permit_type: 'permit_type', description: 'work_description', applied_date: 'application_start_date',
      issued_date: 'issue_date', address: 'street_name', contractor: 'contact_1_name', valuation: 'reported_cost', pull_date: 'issue_date',
      last_updated: ':updated_at',
    },
  },
  /** Cincinnati BLDS permits, Socrata `data.cincinnati-oh.gov` `dy5r-w456` (BLDS names in lower case). */
  cincinnati: {
    platform: 'socrata',
    domain: 'data.cincinnati-oh.gov',
    datasetId: 'dy5r-w456',
    timeZone: 'America/New_York',
    mapping: {
      permit_number: 'permitnum', permit_type: 'permittype', permit_type_mapped: 'permittypemapped', work_class: 'workclassmapped',
      description: 'description', applied_date: 'applieddate', issued_date: 'issueddate', address: 'originaladdress1', city: 'originalcity',
      postal_code: 'originalzip', contractor: 'companyname', valuation: 'estprojectcostdec', pull_date: 'applieddate', last_updated: ':updated_at',
    },
  },
  /** City of Miami building permits since 2014, ArcGIS hosted FeatureServer layer 0. */
  miami: {
    platform: 'arcgis',
    layerUrl: 'https://services1.arcgis.com/CvuPhqcTQpZPT9qY/arcgis/rest/services/Building_Permits_Since_2014/FeatureServer/0',
    timeZone: 'America/New_York',
    mapping: {
      permit_number: 'PermitNumber', permit_type: 'WorkItems', permit_class: 'PropertyType', description: 'ScopeofWork',
      status: 'BuildingPermitStatusDescription', issued_date: 'IssuedDate', address: 'DeliveryAddress', contractor: 'CompanyName',
      valuation: 'TotalCost', parcel: 'FolioNumber', pull_date: 'IssuedDate',
    },
  },
} as const satisfies Record<string, ExampleSource>;
