import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/**
 * The import rule of the layers (README, Architecture):
 *   api, sandbox → services → (schedule definitions, Temporal client, stores) → domain
 *   workflows → domain, the workflow-safe Temporal toolkit and activity types only
 *   activities → stores, clients, domain;  clients → domain types only;  nothing imports api/
 * Each zone lists the folders its files may not import from.
 */
const folder = (name) => [`**/${name}`, `**/${name}/**`];
const forbid = (names, message) => ({ group: names.flatMap(folder), message });
const typesOnly = (names, message) => ({ group: names.flatMap(folder), message, allowTypeImports: true });
const zone = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

const ENTRY_POINTS = ['api', 'sandbox', 'schedules', 'scripts', 'workers', 'bench'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.tools/**', 'bench/results/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  zone(['api/**/*.ts', 'sandbox/**/*.ts'], [
    forbid(['activities', 'stores', 'clients'], 'Entry points reach data and sources through services/'),
    typesOnly(['workflows'], 'Entry points start workflows through services/'),
    forbid(['scripts', 'workers', 'bench'], 'Entry points do not import each other'),
  ]),
  zone(['schedules/**/*.ts'], [
    forbid([...ENTRY_POINTS.filter((name) => name !== 'schedules'), 'services', 'activities', 'clients'], 'Schedule definitions sit beside the stores, below services and activities'),
    { regex: '(^|/)workflows/(?!\\w+/ids$)', message: 'Schedules import workflow types and workflow ids only', allowTypeImports: true },
  ]),
  zone(['services/**/*.ts'], [
    forbid([...ENTRY_POINTS.filter((name) => name !== 'schedules'), 'activities'], 'Services sit below the API and sandbox, beside the activities'),
    { regex: '(^|/)workflows/(?!\\w+/ids$)', message: 'Services import workflow types and workflow ids only', allowTypeImports: true },
  ]),
  zone(['activities/**/*.ts'], [
    forbid([...ENTRY_POINTS.filter((name) => name !== 'schedules'), 'services'], 'Activities use stores, clients, schedule definitions and domain only'),
    { regex: '(^|/)workflows/(?!\\w+/ids$)', message: 'Activities import workflow types and workflow ids only', allowTypeImports: true },
  ]),
  zone(['stores/**/*.ts'], [
    forbid([...ENTRY_POINTS, 'services', 'activities', 'workflows'], 'Stores sit on the database and domain only'),
    typesOnly(['clients'], 'Stores take client record types only'),
  ]),
  zone(['clients/**/*.ts'], [
    forbid([...ENTRY_POINTS, 'services', 'activities', 'workflows', 'stores'], 'Clients know their source and domain types only'),
  ]),
  zone(['domain/**/*.ts'], [
    forbid([...ENTRY_POINTS, 'services', 'activities', 'workflows', 'stores', 'clients', 'platform', 'config'], 'Domain code is pure: no I/O layers'),
  ]),
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries.
    files: ['workflows/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-imports': ['error', { paths: [...builtinModules.flatMap((name) => [name, `node:${name}`]), 'pg', 'playwright-core', 'undici', 'cheerio', 'prom-client'] }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid([...ENTRY_POINTS, 'services', 'stores', 'clients', 'config'], 'Workflows import domain code, the Temporal toolkit and activity types only'),
            { regex: '(^|\\.\\./)(platform/(?!task-queues$)|temporal/(ensure-schedule|activity-failures|workflow-outcome)$)', message: 'I/O belongs in activities' },
            typesOnly(['activities'], 'Workflows import activity types only: use `import type`'),
          ],
        },
      ],
    },
  },
);
