import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type FaultOutcome, faultTable, planFaults } from '../../chaos/plan';
import { chaosScale } from '../../chaos/scale';
import { compareIds } from '../../chaos/verify';
import { RandomFaults } from '../../simulators/random-faults';

describe('chaos suite: plan, scale, comparison and random faults', () => {
  it('plans three worker kills, one Temporal restart and one outage within 10–70 % of the expected time, repeatably', () => {
    const plan = planFaults({ seed: 3, expectedSeconds: 1000, workerKills: 3, dbOutage: true });
    assert.deepEqual(plan.map((fault) => fault.kind).sort(), ['database-outage', 'temporal-restart', 'worker-kill', 'worker-kill', 'worker-kill']);
    assert.ok(plan.every((fault) => fault.atSeconds >= 100 && fault.atSeconds <= 700), JSON.stringify(plan));
    assert.deepEqual(plan.map((fault) => fault.atSeconds), [...plan.map((fault) => fault.atSeconds)].sort((a, b) => a - b));
    assert.deepEqual(planFaults({ seed: 3, expectedSeconds: 1000, workerKills: 3, dbOutage: true }), plan);
    assert.notDeepEqual(planFaults({ seed: 4, expectedSeconds: 1000, workerKills: 3, dbOutage: true }), plan);
    assert.equal(planFaults({ seed: 3, expectedSeconds: 1000, workerKills: 0, dbOutage: false }).length, 1);
  });

  it('prints fault, when and time to recover as a table', () => {
    const outcomes: FaultOutcome[] = [
      { kind: 'worker-kill', atSeconds: 40, injectedAtSeconds: 41.2, recoverySeconds: 14.25 },
      { kind: 'database-outage', atSeconds: 90, injectedAtSeconds: 95, downSeconds: 180.4, recoverySeconds: 6 },
      { kind: 'temporal-restart', atSeconds: 300, injectedAtSeconds: null, recoverySeconds: null, note: 'the work had finished' },
    ];
    assert.deepEqual(faultTable(outcomes).split('\n'), [
      'fault                         when          time to recover  note',
      '----------------------------  ------------  ---------------  ---------------------',
      'worker-kill                   t+41 s        14.3 s',
      'database-outage (180 s down)  t+95 s        6.0 s',
      'temporal-restart              not injected  —                the work had finished',
    ]);
  });

  it('reads the scale from CHAOS_* with the issue’s full scale by default, and refuses nonsense', () => {
    const full = chaosScale({});
    assert.equal(full.years, 30);
    assert.equal(full.leads, 1000);
    assert.equal(full.workerKills, 3);
    assert.equal(full.dbOutageSeconds, 180);
    assert.equal(full.counties.length, 2);
    assert.equal(full.regions.length, 2);
    const quick = chaosScale({ CHAOS_YEARS: '3', CHAOS_DB_OUTAGE_SECONDS: '0', CHAOS_MODELS: 'Kia:Rio' });
    assert.equal(quick.years, 3);
    assert.equal(quick.dbOutageSeconds, 0);
    assert.deepEqual(quick.models, [{ make: 'Kia', model: 'Rio' }]);
    assert.throws(() => chaosScale({ CHAOS_LEADS: '1e3' }), /CHAOS_LEADS must be an integer/);
    assert.throws(() => chaosScale({ CHAOS_MODELS: 'Kia' }), /CHAOS_MODELS: Kia is not make:model/);
  });

  it('documents every CHAOS_* variable in the README with the default it has', () => {
    const full = chaosScale({});
    const defaults: Record<string, string> = {
      CHAOS_YEARS: String(full.years),
      CHAOS_PERMITS_PER_COUNTY: String(full.permitsPerCounty),
      CHAOS_COUNTIES: full.counties.join(','),
      CHAOS_REGIONS: full.regions.join(','),
      CHAOS_MODELS: full.models.map((m) => `${m.make}:${m.model}`).join(','),
      CHAOS_LEADS: String(full.leads),
      CHAOS_WORKER_KILLS: String(full.workerKills),
      CHAOS_DB_OUTAGE_SECONDS: String(full.dbOutageSeconds),
      CHAOS_SEED: String(full.seed),
      CHAOS_TIMEOUT_MINUTES: String(full.timeoutMinutes),
      CHAOS_EXPECTED_SECONDS: '600',
    };
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const documented = Object.fromEntries(
      [...readme.matchAll(/^\| `(CHAOS_[A-Z_]+)` \| `([^`]*)` \|/gm)].map((match) => [match[1]!, match[2]!]),
    );
    assert.deepEqual(documented, defaults);
  });

  it('names lost, duplicated and unexpected ids against the truth', () => {
    assert.deepEqual(compareIds(['a', 'b'], ['b', 'a']), { ok: true, detail: '2 rows for 2 expected: 0 lost, 0 duplicated, 0 unexpected' });
    const wrong = compareIds(['a', 'a', 'x'], ['a', 'b']);
    assert.equal(wrong.ok, false);
    assert.equal(wrong.detail, '3 rows for 2 expected: 1 lost (b), 1 duplicated (a), 1 unexpected (x)');
  });

  it('draws the simulators’ random faults at the given rates, repeatably from the seed', () => {
    const draws = (seed: number) => {
      const faults = new RandomFaults({ rates: { serverError: 0.1, rateLimited: 0.05, timeout: 0.02 }, seed, timeoutMs: 6_500 });
      const kinds = Array.from({ length: 20_000 }, () => faults.next()?.kind ?? 'none');
      return { kinds, counts: faults.counts };
    };
    const { kinds, counts } = draws(1);
    assert.deepEqual(draws(1).kinds, kinds);
    assert.ok(Math.abs(counts['server-error'] / 20_000 - 0.1) < 0.01, JSON.stringify(counts));
    assert.ok(Math.abs(counts['rate-limited'] / 20_000 - 0.05) < 0.01, JSON.stringify(counts));
    assert.ok(Math.abs(counts.timeout / 20_000 - 0.02) < 0.005, JSON.stringify(counts));
    assert.equal(new RandomFaults(undefined).next(), undefined);
  });
});
