import type { CepikVehicle } from '../../clients/cepik/schemas';
import type { Database } from '../../platform/database';

/**
 * Upserts one page of vehicles and records them as received by a report run, in two statements.
 * Idempotent: a page fetched again after a retry changes nothing but `updated_at`.
 */
export async function upsertVehiclePage(db: Database, vehicles: readonly CepikVehicle[], membership: { pullRun: string; brand: string }): Promise<void> {
  if (vehicles.length === 0) return;
  const unique = [...new Map(vehicles.map((vehicle) => [vehicle.id, vehicle])).values()];
  const column = <T>(pick: (vehicle: CepikVehicle) => T) => unique.map(pick);
  await db.query(
    `INSERT INTO vehicle_registrations (id, brand, model, vehicle_kind, origin, production_year, first_registration_date,
                                        fuel, engine_capacity, voivodeship_code, raw)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[],
                          $8::text[], $9::float8[], $10::text[], $11::jsonb[])
     ON CONFLICT (id) DO UPDATE SET
       brand = EXCLUDED.brand, model = EXCLUDED.model, vehicle_kind = EXCLUDED.vehicle_kind, origin = EXCLUDED.origin,
       production_year = EXCLUDED.production_year, first_registration_date = EXCLUDED.first_registration_date,
       fuel = EXCLUDED.fuel, engine_capacity = EXCLUDED.engine_capacity, voivodeship_code = EXCLUDED.voivodeship_code,
       raw = EXCLUDED.raw, updated_at = now()`,
    [
      column((v) => v.id),
      column((v) => v.attributes.marka),
      column((v) => v.attributes.model ?? null),
      column((v) => v.attributes['rodzaj-pojazdu'] ?? null),
      column((v) => v.attributes['pochodzenie-pojazdu'] ?? null),
      column((v) => v.attributes['rok-produkcji'] ?? null),
      column((v) => v.attributes['data-pierwszej-rejestracji-w-kraju']),
      column((v) => v.attributes['rodzaj-paliwa'] ?? null),
      column((v) => v.attributes['pojemnosc-skokowa-silnika'] ?? null),
      column((v) => v.attributes['wojewodztwo-kod']),
      column((v) => JSON.stringify(v.attributes)),
    ],
  );
  await db.query(
    `INSERT INTO registration_pull_members (pull_run, brand, vehicle_id)
     SELECT $1, $2, unnest($3::text[])
     ON CONFLICT DO NOTHING`,
    [membership.pullRun, membership.brand, unique.map((vehicle) => vehicle.id)],
  );
}
