import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { sharedFixture } from '../support/shared-reference';

/** The official OpenAPI documents and observed responses of HighLevel, read from ../shared/reference. */
export const subsetFixture = sharedFixture('highlevel/GoHighLevel_highlevel-api-docs_0af86a4_contacts-leadsync-subset.openapi.json');
export const fullSpecFixture = sharedFixture('highlevel/GoHighLevel_highlevel-api-docs_0af86a4_apps-contacts.openapi.json');
export const commonSchemasFixture = sharedFixture('highlevel/GoHighLevel_highlevel-api-docs_0af86a4_common-schemas.openapi.json');
export const observedFixture = sharedFixture('highlevel/observed-v2-contact-responses.compiled-from-public-sources.json');

export function readFixture(fixture: { path: string | undefined }): { text: string; json: any; sha256: string } {
  const text = readFileSync(fixture.path!, 'utf8');
  return { text, json: JSON.parse(text), sha256: createHash('sha256').update(readFileSync(fixture.path!)).digest('hex') };
}

export interface Operation {
  method: string;
  path: string;
  operation: any;
}

/**
 * Validators built from the lead-sync subset of the official spec. HighLevel whitelists request
 * DTOs (an unknown property is a 422), so request bodies are also checked for undeclared properties.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  readonly doc: any;

  constructor(path: string) {
    this.doc = JSON.parse(readFileSync(path, 'utf8'));
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc, 'highlevel');
  }

  /** The spec operation a concrete request path matches (`/contacts/abc/tags` → `/contacts/{contactId}/tags`). */
  operationFor(method: string, path: string): Operation | null {
    for (const [template, operations] of Object.entries<any>(this.doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = operations[method.toLowerCase()];
      if (operation && pattern.test(path)) return { method, path: template, operation };
    }
    return null;
  }

  private schemaValidator(ref: string): ValidateFunction {
    return this.ajv.getSchema(`highlevel${ref}`)!;
  }

  /** Problems of one request: unknown operation, missing/invalid parameters, a body off the DTO. */
  requestProblems(request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string | null>; body: unknown }): string[] {
    const found = this.operationFor(request.method, request.path);
    if (!found) return [`${request.method} ${request.path} is not an operation of the spec`];
    const problems: string[] = [];
    for (const parameter of found.operation.parameters ?? []) {
      const value = parameter.in === 'query' ? request.query[parameter.name] : parameter.in === 'header' ? request.headers[parameter.name.toLowerCase()] : 'path';
      if (parameter.required && (value === undefined || value === null)) problems.push(`missing ${parameter.in} parameter ${parameter.name}`);
      if (value && parameter.schema?.enum && !parameter.schema.enum.includes(value)) problems.push(`${parameter.name}=${value} not in ${parameter.schema.enum}`);
    }
    const declaredQuery = new Set((found.operation.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name));
    for (const name of Object.keys(request.query)) if (!declaredQuery.has(name)) problems.push(`undeclared query parameter ${name}`);
    const bodyRef = found.operation.requestBody?.content?.['application/json']?.schema?.$ref;
    if (bodyRef) {
      const validate = this.schemaValidator(bodyRef);
      if (!validate(request.body)) problems.push(...validate.errors!.map((e) => `body${e.instancePath} ${e.message}`));
      const declared = this.schemaProperties(bodyRef);
      // An empty schema (SearchBodyV2DTO) leaves the body undescribed: nothing to whitelist against.
      if (declared.size > 0) for (const key of Object.keys((request.body as object) ?? {})) if (!declared.has(key)) problems.push(`body property ${key} is not in ${bodyRef}`);
    } else if (request.body !== null && request.body !== undefined) {
      problems.push('a body was sent to an operation without one');
    }
    return problems;
  }

  /** Problems of one response against the operation's declared response for that status. */
  responseProblems(method: string, path: string, status: number, body: unknown): string[] {
    const found = this.operationFor(method, path);
    if (!found) return [`${method} ${path} is not an operation of the spec`];
    const declared = found.operation.responses?.[String(status)];
    if (!declared) return [`status ${status} is not declared for ${method} ${found.path}`];
    const ref = declared.content?.['application/json']?.schema?.$ref;
    if (!ref) return [];
    const validate = this.schemaValidator(ref);
    return validate(body) ? [] : validate.errors!.map((e) => `response${e.instancePath} ${e.message}`);
  }

  schemaProperties(ref: string): Set<string> {
    const name = ref.split('/').pop()!;
    return new Set(Object.keys(this.doc.components.schemas[name].properties ?? {}));
  }
}
