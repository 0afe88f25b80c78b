import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseVehiclePage } from '../../clients/cepik/page';
import { parseErrorBody } from '../../clients/cepik/schemas';
import { sharedFixture } from '../support/shared-reference';

const META_KEYS = [
  'json-ld-id', 'schema', 'dc:title', 'schema:provider', 'schema:datePublished', 'schema:dateModified', 'dc:description',
  'dc:language', 'sy:updatePeriod', 'sy:updateFrequency', 'sy:updateBase', 'schema:contentType', 'schema:isPartOf',
  'count', 'page', 'limit', 'dc:rights', 'schema:keywords',
];
const ATTRIBUTE_KEYS = [
  'marka', 'kategoria-pojazdu', 'typ', 'model', 'wariant', 'rodzaj-pojazdu', 'pochodzenie-pojazdu', 'rok-produkcji',
  'data-pierwszej-rejestracji-w-kraju', 'pojemnosc-skokowa-silnika', 'masa-wlasna', 'rodzaj-paliwa', 'wojewodztwo-kod',
];

interface RecordedPage {
  file: string;
  woj: string;
  sha256: string;
  count: number;
  lastPage: number;
  nullMarkaModels: string[];
  nullEngine: number;
}

const recordedPages: RecordedPage[] = [
  {
    file: 'pojazdy_woj14_od20240101_do20241101_limit100_page1_count-glitch-101__PawelWalicki_cepik-map-server_commit-6f52cc3__data_base-14.js.json',
    woj: '14',
    sha256: '3e040a23aafcc02c3a7fd5974c90b9e41b0920d2659a42a481a0e8a7a78ef3a3',
    count: 101,
    lastPage: 2,
    nullMarkaModels: ['50C/35', ...Array(8).fill('FORMENTOR')],
    nullEngine: 10,
  },
  {
    file: 'pojazdy_woj16_od20240101_do20241101_limit100_page1_count-35654__PawelWalicki_cepik-map-server_commit-6f52cc3__data_base-16.js.json',
    woj: '16',
    sha256: 'ab247d7e9da84a35ada9e595683daaedd1369297bad5c57cd7836b792af5a86d',
    count: 35654,
    lastPage: 357,
    nullMarkaModels: ['FORMENTOR', 'FORMENTOR'],
    nullEngine: -1,
  },
  {
    file: 'pojazdy_woj20_od20240101_do20241101_limit100_page1_count-44216_marka-null__PawelWalicki_cepik-map-server_commit-6f52cc3__data_base-20.js.json',
    woj: '20',
    sha256: 'afc91c7d6907cc064df82439a40ede13a3d3edc6bc1d5512df446155103591e4',
    count: 44216,
    lastPage: 443,
    nullMarkaModels: ['X'],
    nullEngine: 12,
  },
];

function read(path: string): { raw: string; body: any } {
  const raw = readFileSync(path, 'utf8');
  return { raw, body: JSON.parse(raw) };
}

describe('CEPiK client against the recorded real /pojazdy responses', () => {
  for (const recorded of recordedPages) {
    const fixture = sharedFixture(`cepik/${recorded.file}`);
    it(`woj ${recorded.woj}: parses every item and keeps the recorded shape`, { skip: fixture.skip }, () => {
      const { raw, body } = read(fixture.path!);
      assert.equal(createHash('sha256').update(raw).digest('hex'), recorded.sha256);
      assert.deepEqual(Object.keys(body), ['data', 'meta', 'links']);
      assert.deepEqual(Object.keys(body.meta), META_KEYS);
      assert.deepEqual(Object.keys(body.links), ['first', 'self', 'next', 'last']);
      const canonical = `/pojazdy?wojewodztwo=${recorded.woj}&data-od=20240101&data-do=20241101&limit=100&page=1&typ-daty=1&tylko-zarejestrowane=true&pokaz-wszystkie-pola=false`;
      assert.equal(body.meta['json-ld-id'], canonical);
      assert.equal(body.links.self, `https://api.cepik.gov.pl${canonical}`);
      assert.equal(new URL(body.links.last).searchParams.get('page'), String(recorded.lastPage));

      const parsed = parseVehiclePage(body);
      assert.ok(parsed.ok);
      const { page } = parsed;
      assert.equal(page.vehicles.length, 100);
      assert.deepEqual(page.rejected, []);
      assert.deepEqual(page.meta, { count: recorded.count, page: 1, limit: 100 });
      assert.equal(page.countIsPlaceholder, recorded.count === 101);
      assert.equal(new URL(page.nextUrl!).searchParams.get('page'), '2');

      for (const item of body.data) {
        assert.deepEqual(Object.keys(item), ['id', 'type', 'attributes', 'links']);
        assert.deepEqual(Object.keys(item.attributes), ATTRIBUTE_KEYS);
        assert.match(item.id, /^\d{14,16}$/);
        assert.equal(item.links.self, `https://api.cepik.gov.pl/pojazdy/${item.id}`);
        assert.equal(typeof item.attributes['rok-produkcji'], 'string');
      }
      const nullMarka = page.vehicles.filter((v) => v.attributes.marka === null).map((v) => v.attributes.model);
      assert.deepEqual(nullMarka.sort(), [...recorded.nullMarkaModels].sort());
      if (recorded.nullEngine >= 0) {
        assert.equal(page.vehicles.filter((v) => v.attributes['pojemnosc-skokowa-silnika'] === null).length, recorded.nullEngine);
      }
      const dates = page.vehicles.map((v) => v.attributes['data-pierwszej-rejestracji-w-kraju']);
      assert.deepEqual(dates, [...dates].sort(), 'items come sorted by first-registration date');
      assert.ok(page.vehicles.some((v) => v.attributes.typ === '---' || v.attributes.wariant === '---'));
    });
  }

  const woj20 = sharedFixture(`cepik/${recordedPages[2]!.file}`);
  it('woj 20: one engine capacity is a float, which the schema accepts', { skip: woj20.skip }, () => {
    const { body } = read(woj20.path!);
    const parsed = parseVehiclePage(body);
    assert.ok(parsed.ok);
    const floats = parsed.page.vehicles.filter((v) => {
      const capacity = v.attributes['pojemnosc-skokowa-silnika'];
      return typeof capacity === 'number' && !Number.isInteger(capacity);
    });
    assert.equal(floats.length, 1);
  });

  const woj16 = sharedFixture(`cepik/${recordedPages[1]!.file}`);
  it('keeps items that fail validation aside with the reason, without losing the rest of the page', { skip: woj16.skip }, () => {
    const { body } = read(woj16.path!);
    body.data[3].attributes['data-pierwszej-rejestracji-w-kraju'] = '02.01.2024';
    delete body.data[7].id;
    const parsed = parseVehiclePage(body);
    assert.ok(parsed.ok);
    assert.equal(parsed.page.vehicles.length, 98);
    assert.equal(parsed.page.rejected.length, 2);
    assert.match(parsed.page.rejected[0]!.reason, /data-pierwszej-rejestracji-w-kraju/);
    assert.equal(parsed.page.rejected[1]!.externalId, null);
    assert.match(parsed.page.rejected[1]!.reason, /id/);
  });
});

describe('CEPiK official Swagger spec', () => {
  const fixture = sharedFixture('cepik/official-swagger-apicepik-v1.2.3__kamilplewka_cepik_commit-3322f7f__apicepik.json');
  it('declares the 21 paths, the rate-limit header and the two-year window', { skip: fixture.skip }, () => {
    const { raw, body } = read(fixture.path!);
    assert.equal(createHash('sha256').update(raw).digest('hex'), 'a574481c213ab9f10d6b3a3c5d7b111e71bef5672aa834c91115820797c75898');
    const paths = Object.keys(body.paths);
    assert.equal(paths.length, 21);
    for (const path of ['/pojazdy', '/pojazdy/{id}', '/version', '/v1/version']) assert.ok(paths.includes(path), path);
    const pojazdy = body.paths['/pojazdy'].get;
    assert.ok(pojazdy.responses['200'].headers['X-Rate-Limit-Remaining']);
    assert.match(raw, /Maksymalny zakres dat to 2 lata/);
    // The spec's own spelling differs from the live API's: the client follows the recordings.
    const errorKeys = Object.keys(body.definitions.error.properties);
    assert.ok(errorKeys.includes('errorr-reason') && !errorKeys.includes('error-reason'));
    const metaKeys = Object.keys(body.definitions.ApiMetaDto.properties);
    assert.ok(metaKeys.includes('sY:updateBase') && metaKeys.includes('contentType'));
    const params = pojazdy.parameters.map((p: { name: string }) => p.name);
    for (const name of ['wojewodztwo', 'data-od', 'data-do', 'typ-daty', 'limit', 'page']) assert.ok(params.includes(name), name);
  });

  it('its misspelt error keys are not what the client reads, and both real error shapes parse', () => {
    const fields = { 'error-code': 'API-ERR-100011', 'error-reason': 'limit' };
    assert.deepEqual(parseErrorBody({ errors: [fields] }), fields);
    assert.deepEqual(parseErrorBody(fields), fields);
    assert.equal(parseErrorBody({ 'errorr-reason': 'typo' }), undefined);
    assert.equal(parseErrorBody({ data: [] }), undefined);
  });
});
