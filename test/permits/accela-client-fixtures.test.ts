import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { listEnvelopeSchema, ownerSchema, parcelSchema, recordAddressSchema } from '../../clients/accela/schemas';
import { parseAccelaRecord } from '../../domain/permits/permit-record';
import { sharedFixture } from '../support/shared-reference';
import { testClient } from './client-factory';
import { serveRecordedResponses, tokenRoute } from './fixture-server';

const PREFIX = 'opencounter-accela-rest-ruby__';
const files = {
  list: `${PREFIX}Accela_V4_GetAllRecords__GET_v4_records.response-body.json`,
  twoIds: `${PREFIX}Accela_V4_GetRecords__GET_v4_records_two_ids.response-body.json`,
  expandAddresses: `${PREFIX}Accela_V4_GetRecords__GET_v4_records_id_expand_addresses.response-body.json`,
  addresses: `${PREFIX}Accela_RecordAPI__GET_v4_records_id_addresses.response-body.json`,
  owners: `${PREFIX}Accela_RecordAPI__GET_v4_records_id_owners.response-body.json`,
  parcels: `${PREFIX}Accela_RecordAPI__GET_v4_records_id_parcels.response-body.json`,
};
const sha256: Record<keyof typeof files, string> = {
  list: '1ce8beda805a767fbff7a38db82df234c08e041f4fb9879770428cb296eb2aaf',
  twoIds: 'f63c8189206f7d9e196e9514e7ab18f9c37dee735c43dc4483c36c0c0d2aa261',
  expandAddresses: '45900ac8cb09ca663afe97a38870f5c9bbab24950dbcec431f2971e4d7a5aa0f',
  addresses: 'e5fbc778b2e3b2641769567bdde433bf638dcc7f7ea081ff7e9b1001751f73a6',
  owners: '76a807759dff0a4e7a30b40eb064357330e690d335f2bf823fddb3e74590d87c',
  parcels: '10cf4e2f99e06886922e984bdef31253d06bce41bf2b35852baef255fa1727a8',
};
const folder = sharedFixture('accela');
const fixture = (name: keyof typeof files) => path.join(folder.path ?? '', files[name]);
const readJson = (name: keyof typeof files) => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;
/**
 * The per-record child lists, recorded from `GET /v4/records/{id}/{child}`: the pipeline reads the same
 * objects as `?expand=` of a record, so they are checked against the record's child schemas.
 */
const childList = <T extends z.ZodType>(name: keyof typeof files, item: T) => z.array(item).parse(readJson(name).result);

describe('Accela client on the recorded real responses', { skip: folder.skip }, () => {
  let server: Awaited<ReturnType<typeof serveRecordedResponses>>;

  before(async () => {
    server = await serveRecordedResponses({
      'POST /oauth2/token': tokenRoute({ access_token: 'tok-1', token_type: 'bearer', expires_in: 900, refresh_token: 'ref-1', scope: 'records' }),
      'GET /v4/records': fixture('list'),
      'GET /v4/records/NULLISLAND-REC25-00000-0004Q,NULLISLAND-25EST-00000-00006': fixture('twoIds'),
      'GET /v4/records/NULLISLAND-REC25-00000-0004Q': fixture('expandAddresses'),
    });
  });
  after(() => server?.close());

  it('has exactly the recorded files it expects, byte for byte', () => {
    const names = readdirSync(folder.path!).filter((name) => name.endsWith('.json')).sort();
    assert.deepEqual(names, Object.values(files).sort());
    for (const [key, name] of Object.entries(files)) {
      const digest = createHash('sha256').update(readFileSync(path.join(folder.path!, name))).digest('hex');
      assert.equal(digest, sha256[key as keyof typeof files], name);
    }
  });

  it('every recorded file parses with the client schemas and is minified single-line JSON', () => {
    for (const name of Object.keys(files) as Array<keyof typeof files>) {
      const text = readFileSync(fixture(name), 'utf8');
      assert.equal(text.trim().includes('\n'), false, `${name} is one line`);
      assert.equal(listEnvelopeSchema.safeParse(JSON.parse(text)).success, true, name);
    }
  });

  it('lists records: lower-case hasmore, no total, 25 records newest first, same-day ids ascending', async () => {
    const raw = readJson('list');
    assert.deepEqual(Object.keys(raw).sort(), ['page', 'result', 'status']);
    assert.equal(raw.status, 200);
    assert.deepEqual(raw.page, { offset: 0, limit: 25, hasmore: true });
    assert.equal('total' in (raw.page as object), false);
    assert.equal('hasMore' in (raw.page as object), false);

    const { client } = testClient(server.url);
    const page = await client.listRecords({ module: 'Building', dateField: 'opened', from: '2025-06-01', to: '2025-06-12', offset: 0, limit: 25 });
    assert.equal(page.hasMore, true);
    assert.equal(page.records.length, 25);
    const parsed = page.records.map(parseAccelaRecord);
    assert.ok(parsed.every((p) => p.ok), 'every recorded record parses');
    const fields = parsed.map((p) => (p.ok ? p.fields : null)!);
    const opened = fields.map((f) => f.openedDate);
    assert.deepEqual(opened, [...opened].sort().reverse(), 'openedDate descending');
    assert.equal(opened[0]!.slice(0, 10), '2025-06-12');
    assert.equal(opened.at(-1)!.slice(0, 10), '2025-06-02');
    const sameDay = fields.filter((f) => f.openedDate.startsWith('2025-06-12')).map((f) => f.recordId.split('-').at(-1)!);
    assert.equal(sameDay[0], '0004S');
    assert.equal(sameDay.at(-1), '00058');
    assert.deepEqual(sameDay, [...sameDay].sort(), 'same-day ids ascending');
    const withoutStatus = fields.filter((f) => f.status === null).map((f) => f.recordId).sort();
    assert.deepEqual(withoutStatus, ['NULLISLAND-25EST-00000-00005', 'NULLISLAND-25EST-00000-00006', 'NULLISLAND-REC25-00000-0004K']);
    for (const record of raw.result as Array<Record<string, unknown>>) {
      assert.match(record.id as string, /^NULLISLAND-[0-9A-Z]+-\d{5}-[0-9A-Z]{5}$/);
      assert.equal(record.id, `NULLISLAND-${record.value as string}`);
      assert.match(record.openedDate as string, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(Object.values(record).includes(null), false, 'null keys are omitted');
    }
    const series = new Set(fields.map((f) => f.recordId.split('-')[1]!.replace(/\d+/g, '#')));
    assert.deepEqual([...series].sort(), ['#EST', 'REC#']);
    // The request carried the raw token (no Bearer) and the app id.
    const call = server.seen.find((c) => c.url.startsWith('/v4/records?'))!;
    assert.equal(call.headers.authorization, 'tok-1');
    assert.equal(call.headers['x-accela-appid'], 'app-1');
    assert.match(call.url, /openedDateFrom=2025-06-01&openedDateTo=2025-06-12&limit=25&offset=0/);
  });

  it('gets two ids in one call and matches the results by id, not by order', async () => {
    const raw = readJson('twoIds');
    assert.deepEqual(Object.keys(raw).sort(), ['result', 'status']);
    const order = (raw.result as Array<{ id: string }>).map((r) => r.id);
    assert.deepEqual(order, ['NULLISLAND-25EST-00000-00006', 'NULLISLAND-REC25-00000-0004Q']);

    const { client } = testClient(server.url);
    const requested = ['NULLISLAND-REC25-00000-0004Q', 'NULLISLAND-25EST-00000-00006'];
    const byId = await client.getRecordsByIds(requested);
    assert.deepEqual([...byId.keys()].sort(), [...requested].sort());
    const estimate = parseAccelaRecord(byId.get('NULLISLAND-25EST-00000-00006'));
    assert.ok(estimate.ok);
    assert.equal(estimate.fields.status, null, 'the 25EST record has no status');
    const call = server.seen.find((c) => c.url.includes('0004Q,'))!;
    assert.match(call.url, /\?expand=addresses,owners,parcels$/);
  });

  it('reads one record with expanded addresses (no streetAddress, streetStart 0)', async () => {
    const raw = readJson('expandAddresses');
    assert.equal('page' in raw, false);
    const { client } = testClient(server.url);
    const { found, missing } = await client.enrichRecords(['NULLISLAND-REC25-00000-0004Q'], 50);
    assert.deepEqual(missing, []);
    const parsed = parseAccelaRecord(found.get('NULLISLAND-REC25-00000-0004Q'));
    assert.ok(parsed.ok);
    const { record, fields } = parsed;
    assert.equal(record.addresses?.length, 1);
    assert.equal(record.addresses![0]!.streetAddress, undefined);
    assert.equal(record.addresses![0]!.streetStart, 0);
    assert.equal(record.addresses![0]!.recordId?.trackingId, 0);
    assert.deepEqual(record.status, { value: 'Submitted', text: 'Submitted' });
    for (const key of ['renewalInfo', 'statusDate', 'updateDate', 'totalFee', 'balance', 'booking', 'publicOwned']) assert.ok(key in record, key);
    assert.ok(fields.description?.includes('\r\n'));
    // No street: the address line ("Luquillo, Puerto Rico") is kept as the street line.
    assert.equal(fields.address?.street, 'Luquillo, Puerto Rico');
    assert.equal(fields.updatedDate, (record.updateDate as string));
  });

  it('reads a record address: streetStart and houseAlphaStart, streetAddress, coordinates, primary', () => {
    const result = childList('addresses', recordAddressSchema);
    assert.equal('page' in readJson('addresses'), false);
    assert.equal(result.length, 1);
    const address = result[0]!;
    assert.equal(address.streetStart, 50);
    assert.equal(address.houseAlphaStart, '50');
    assert.equal('houseNumberStart' in address, false);
    assert.equal(address.streetAddress, '50 Bannatyne Ave');
    assert.equal(typeof address.xCoordinate, 'number');
    assert.ok(address.xCoordinate! < 0 && address.yCoordinate! > 0, 'x is longitude, y latitude');
    assert.equal(address.isPrimary, 'Y');
    assert.deepEqual(Object.keys(address.recordId!).sort(), ['capClass', 'customId', 'id', 'missingIdentifier', 'serviceProviderCode', 'trackingId', 'value']);
  });

  it('reads record owners: mail address, contact on the first only, status without value', () => {
    const result = childList('owners', ownerSchema);
    assert.equal('page' in readJson('owners'), false);
    const owners = result;
    assert.equal(owners.length, 2);
    for (const owner of owners) {
      assert.ok(owner.mailAddress?.state?.value && owner.mailAddress.state.text);
      assert.ok(owner.mailAddress?.country?.value && owner.mailAddress.country.text);
    }
    assert.ok(owners[0]!.phone && owners[0]!.email);
    assert.equal(owners[1]!.phone, undefined);
    assert.equal(owners[1]!.email, undefined);
    assert.ok(owners.some((o) => o.status?.text === 'Inactive' && o.status.value === undefined));
    assert.deepEqual(owners.map((o) => o.isPrimary), ['Y', 'N']);
  });

  it('reads record parcels: string id equal to parcelNumber, numeric section, sparse values', () => {
    const result = childList('parcels', parcelSchema);
    assert.equal('page' in readJson('parcels'), false);
    assert.equal(result.length, 1);
    const parcel = result[0]!;
    assert.equal(parcel.id, '10');
    assert.equal(parcel.parcelNumber, parcel.id);
    assert.equal(parcel.section, 2);
    assert.ok(parcel.subdivision?.value && parcel.subdivision.text);
    for (const key of ['lot', 'block', 'township', 'range', 'legalDescription']) assert.ok(key in parcel, key);
    for (const key of ['landValue', 'improvedValue', 'exemptionValue']) assert.equal(key in parcel, false, key);
  });
});
