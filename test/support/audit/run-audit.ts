import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import pLimit from 'p-limit';
import { findLeaks, type KnownCredential, type Leak, type LeakKind } from './leak-detectors';
import { type RecordedResponse, RESPONSES_FILE_PREFIX } from './response-recorder';

/**
 * The secrets and personal-data audit of a test run (scripts/run-tests.ts runs it after the suite,
 * while the Temporal dev server is still up): every workflow execution's history (with the Web UI's
 * texts: the static summary and details of starts and children, the summaries of activities and
 * timers, all carried as `userMetadata` of their events), memo and search attributes, every schedule
 * (its note and its action's summary and details too), the logs the test processes wrote and every
 * API response the tests received must be free of credentials, e-mail addresses and phone numbers
 * (contact-data routes excepted, see CONTACT_DATA_ROUTES). A run's current details live only in its
 * worker: they are read, while workers run, with `currentDetailsDeadlineMs`.
 */

/**
 * Workflows and schedules whose id starts with this are the audit's own probes (test/platform/personal-data-audit.test.ts
 * plants personal data in them on purpose to prove the audit finds it); the run-wide audit skips them.
 */
export const AUDIT_PROBE_WORKFLOW_PREFIX = 'audit-probe-';

export interface Finding {
  kind: LeakKind;
  /** Where: workflow id and run, event id and type, field path; log file and line; route and status. */
  where: string;
  /** What, masked. */
  what: string;
}

function findingsIn(text: string, where: string, credentials: readonly KnownCredential[], allowed: (leak: Leak) => boolean = () => false): Finding[] {
  return findLeaks(text, credentials)
    .filter((leak) => !allowed(leak))
    .map((leak) => ({ kind: leak.kind, where, what: leak.masked }));
}

/**
 * Fields of Temporal's own bookkeeping that look like an address but are not data: a worker's
 * identity is `<pid>@<host name>`.
 */
const BOOKKEEPING_FIELDS = new Set(['identity']);

/** Every string in a (protobuf) object with its field path; bytes (payload data) are read as UTF-8. */
function* textsOf(value: unknown, at: string): Generator<{ at: string; text: string }> {
  if (typeof value === 'string') {
    yield { at, text: value };
  } else if (value instanceof Uint8Array) {
    yield { at, text: Buffer.from(value).toString('utf8') };
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* textsOf(item, `${at}[${index}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!BOOKKEEPING_FIELDS.has(key)) yield* textsOf(item, at ? `${at}.${key}` : key);
    }
  }
}

function findingsInObject(value: unknown, where: string, credentials: readonly KnownCredential[]): Finding[] {
  return [...textsOf(value, '')].flatMap(({ at, text }) => findingsIn(text, `${where} ${at}`, credentials));
}

const eventTypeName = (type: temporal.api.enums.v1.EventType | null | undefined) =>
  (temporal.api.enums.v1.EventType[type ?? 0] ?? String(type)).replace(/^EVENT_TYPE_/, '');

export interface TemporalAuditOptions {
  connection: Connection;
  credentials: readonly KnownCredential[];
  /** Default: every namespace of the server but `temporal-system`. */
  namespaces?: string[];
  /** A visibility query narrowing the executions (the probe test audits its own workflow only). */
  query?: string;
  /** Audit the probes too (only the probe test does). */
  includeProbes?: boolean;
  /** Exactly these schedules (default: every schedule when no query is given, none with a query). */
  scheduleIds?: string[];
  /**
   * Also read the current details of every running execution (the Web UI's `__temporal_workflow_metadata`
   * query), each within this deadline: only a run whose worker is up answers.
   */
  currentDetailsDeadlineMs?: number;
}

/** The query the Web UI sends for a run's current details (answered by the SDK itself in every workflow). */
const WORKFLOW_METADATA_QUERY = '__temporal_workflow_metadata';

/** Every execution (running and closed, every run of a continued chain) and every schedule. */
export async function auditTemporal(
  options: TemporalAuditOptions,
): Promise<{ findings: Finding[]; executions: number; schedules: number; currentDetails: number }> {
  const namespaces = options.namespaces ?? (await listNamespaces(options.connection));
  const findings: Finding[] = [];
  let executions = 0;
  let schedules = 0;
  let currentDetails = 0;
  const limit = pLimit(8);
  for (const namespace of namespaces) {
    const client = new Client({ connection: options.connection, namespace });
    const audits: Promise<Finding[]>[] = [];
    for await (const execution of client.workflow.list({ query: options.query })) {
      if (!options.includeProbes && execution.workflowId.startsWith(AUDIT_PROBE_WORKFLOW_PREFIX)) continue;
      executions += 1;
      const where = `workflow ${namespace}/${execution.workflowId} run ${execution.runId} (${execution.type})`;
      audits.push(
        limit(async () => {
          const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
          const history = await handle.fetchHistory();
          const details =
            options.currentDetailsDeadlineMs !== undefined && execution.status.name === 'RUNNING'
              ? await client
                  .withDeadline(Date.now() + options.currentDetailsDeadlineMs, () => handle.query<{ currentDetails?: string | null }>(WORKFLOW_METADATA_QUERY))
                  .then((metadata) => metadata.currentDetails ?? undefined, () => undefined)
              : undefined;
          if (details) currentDetails += 1;
          return [
            ...findingsInObject(execution.raw.memo, `${where} memo`, options.credentials),
            ...findingsInObject(execution.raw.searchAttributes, `${where} search attributes`, options.credentials),
            ...(history.events ?? []).flatMap((event) =>
              findingsInObject(event, `${where} event ${event.eventId} ${eventTypeName(event.eventType)}`, options.credentials),
            ),
            ...(details ? findingsIn(details, `${where} current details`, options.credentials) : []),
          ];
        }),
      );
    }
    const scheduleIds = options.scheduleIds ?? (options.query === undefined ? await listScheduleIds(client, options.includeProbes ?? false) : []);
    for (const scheduleId of scheduleIds) {
      schedules += 1;
      audits.push(
        limit(async () => {
          const description = await client.schedule.getHandle(scheduleId).describe();
          return findingsInObject(description.raw, `schedule ${namespace}/${scheduleId}`, options.credentials);
        }),
      );
    }
    for (const found of await Promise.all(audits)) findings.push(...found);
  }
  return { findings, executions, schedules, currentDetails };
}

async function listScheduleIds(client: Client, includeProbes: boolean): Promise<string[]> {
  const ids: string[] = [];
  for await (const schedule of client.schedule.list()) {
    if (includeProbes || !schedule.scheduleId.startsWith(AUDIT_PROBE_WORKFLOW_PREFIX)) ids.push(schedule.scheduleId);
  }
  return ids;
}

async function listNamespaces(connection: Connection): Promise<string[]> {
  const response = await connection.workflowService.listNamespaces({});
  return response.namespaces.map((namespace) => namespace.namespaceInfo?.name ?? '').filter((name) => name !== '' && name !== 'temporal-system');
}

/** A pino line: one JSON object with a numeric level and a time. */
function isPinoLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    return typeof entry.level === 'number' && entry.time !== undefined;
  } catch {
    return false;
  }
}

/**
 * The first line of a Temporal SDK log entry: the TypeScript SDK's DefaultLogger
 * (`<ISO time> [WARN] message {meta}`) or the SDK core's own (`<ISO time>  WARN target: message fields`).
 */
const SDK_LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z +\[?(?:TRACE|DEBUG|INFO|WARN|ERROR)\]? /;

/** The SDK core colours its log lines. */
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** How far the brackets of `text` are open (the SDK logger prints its meta object over several lines). */
function bracketDepth(text: string): number {
  let depth = 0;
  for (const char of text) {
    if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') depth -= 1;
  }
  return depth;
}

/**
 * The log entries of the test output: pino JSON lines (the services' and workers' logger) and
 * Temporal SDK log entries (workflow and activity logs, failures the worker logs); each with the
 * line it starts on. Only these are what production logs would contain: the rest of the output is
 * the test runner's report, where a test may print a synthetic fixture in an assertion message.
 */
export function logEntries(output: string): Array<{ line: number; text: string }> {
  const lines = output.replace(ANSI_ESCAPE, '').split('\n');
  const entries: Array<{ line: number; text: string }> = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (isPinoLine(line)) {
      entries.push({ line: index + 1, text: line });
    } else if (SDK_LOG_LINE.test(line)) {
      const start = index;
      let text = line;
      let depth = bracketDepth(line);
      while (depth > 0 && index + 1 < lines.length && index - start < 500) {
        index += 1;
        text += `\n${lines[index]}`;
        depth += bracketDepth(lines[index]!);
      }
      entries.push({ line: start + 1, text });
    }
  }
  return entries;
}

export async function auditLogs(file: string, credentials: readonly KnownCredential[]): Promise<{ findings: Finding[]; entries: number }> {
  const entries = logEntries(await readFile(file, 'utf8').catch(() => ''));
  const findings = entries.flatMap((entry) => findingsIn(entry.text, `log ${file}:${entry.line}`, credentials));
  return { findings, entries: entries.length };
}

/**
 * The routes that exist to serve owner contact data to the sales team: their successful answers may
 * carry owner e-mail addresses and phone numbers. Every other answer (errors of these routes too,
 * health, metrics, jobs, runs, progress, configuration, the OpenAPI document) must not.
 */
export const CONTACT_DATA_ROUTES: ReadonlyArray<{ route: string; method: string; path: RegExp }> = [
  { route: 'GET /api/permits/{id}', method: 'GET', path: /^\/api\/permits\/\d+$/ }, // the record as received, with its contacts
  { route: 'GET /api/leads', method: 'GET', path: /^\/api\/leads$/ },
  { route: 'POST /api/leads/create-from-permits', method: 'POST', path: /^\/api\/leads\/create-from-permits$/ },
  { route: 'PUT /api/leads/{id}/notes', method: 'PUT', path: /^\/api\/leads\/\d+\/notes$/ },
];

/** The county routes show the Accela app id and user name back to the operator who set them (secrets masked). */
const ACCOUNT_IDENTIFIER_ROUTES = /^\/api\/counties(\/|$)/;

export function isContactDataResponse(response: Pick<RecordedResponse, 'method' | 'url' | 'status'>): boolean {
  const pathOnly = response.url.split('?')[0]!;
  return response.status < 300 && CONTACT_DATA_ROUTES.some((route) => route.method === response.method && route.path.test(pathOnly));
}

export function auditResponse(response: RecordedResponse, where: string, credentials: readonly KnownCredential[]): Finding[] {
  const contactData = isContactDataResponse(response);
  const showsAccount = response.status < 300 && ACCOUNT_IDENTIFIER_ROUTES.test(response.url.split('?')[0]!);
  return findingsIn(
    response.body,
    `${where} ${response.method} ${response.url} → ${response.status}`,
    credentials,
    (leak) =>
      (contactData && (leak.kind === 'email' || leak.kind === 'phone')) ||
      (showsAccount && leak.credential?.kind === 'account-identifier'),
  );
}

/** `withContactData`: answers of contact-data routes that did carry owner contacts (allowed; counted to show the allowance is used). */
export async function auditResponses(
  dir: string,
  credentials: readonly KnownCredential[],
): Promise<{ findings: Finding[]; responses: number; withContactData: number }> {
  const files = (await readdir(dir)).filter((name) => name.startsWith(RESPONSES_FILE_PREFIX)).sort();
  const findings: Finding[] = [];
  let responses = 0;
  let withContactData = 0;
  for (const name of files) {
    const lines = (await readFile(path.join(dir, name), 'utf8')).split('\n');
    for (const [index, line] of lines.entries()) {
      if (line === '') continue;
      const response = JSON.parse(line) as RecordedResponse;
      responses += 1;
      if (isContactDataResponse(response) && findLeaks(response.body, []).length > 0) withContactData += 1;
      findings.push(...auditResponse(response, `API response (${name}:${index + 1})`, credentials));
    }
  }
  return { findings, responses, withContactData };
}

/** The report printed after the suite: one line per distinct finding, the first `max` of them. */
export function formatFindings(findings: readonly Finding[], max = 200): string {
  const distinct = [...new Map(findings.map((finding) => [`${finding.kind}|${finding.where}|${finding.what}`, finding])).values()];
  const lines = distinct.slice(0, max).map((finding) => `  ${finding.kind.padEnd(10)} ${finding.what}  at ${finding.where}`);
  if (distinct.length > max) lines.push(`  … and ${distinct.length - max} more`);
  const counts = new Map<LeakKind, number>();
  for (const finding of distinct) counts.set(finding.kind, (counts.get(finding.kind) ?? 0) + 1);
  const byKind = [...counts].map(([kind, count]) => `${count} ${kind}`);
  return [`${distinct.length} finding(s): ${byKind.join(', ')}`, ...lines].join('\n');
}
