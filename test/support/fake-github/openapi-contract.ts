// Validates a response body against the schema GitHub's official OpenAPI description
// (@octokit/openapi, api.github.com, dereferenced) gives for that operation and status.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type JsonSchema = Record<string, unknown>;
interface OperationResponse { description?: string; content?: Record<string, { schema?: JsonSchema }> }
type PathItem = Record<string, { responses?: Record<string, OperationResponse> }>;

// ajv-formats is CommonJS; its default export is the plugin function (or a namespace holding it).
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

let paths: Record<string, PathItem> | undefined;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateFormats: true }));
const compiled = new Map<string, ValidateFunction>();

/** The `paths` of GitHub's description. The 70 MB file is parsed once per test file and only the paths are kept. */
function githubPaths(): Record<string, PathItem> {
  if (!paths) {
    const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.deref.json');
    paths = (JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, PathItem> }).paths;
  }
  return paths;
}

/** The documented response for (method, path template, status), or an error naming what is missing. */
export function githubResponseSpec(method: string, pathTemplate: string, status: number): OperationResponse {
  const operation = githubPaths()[pathTemplate]?.[method.toLowerCase()];
  if (!operation) throw new Error(`GitHub's OpenAPI has no operation ${method.toUpperCase()} ${pathTemplate}`);
  const response = operation.responses?.[String(status)];
  if (!response) {
    throw new Error(`GitHub's OpenAPI documents no ${status} for ${method.toUpperCase()} ${pathTemplate} (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`);
  }
  return response;
}

/** Whether the description documents this status for the operation (so the caller can fall back to a hand check). */
export function githubDocumentsStatus(method: string, pathTemplate: string, status: number): boolean {
  return githubPaths()[pathTemplate]?.[method.toLowerCase()]?.responses?.[String(status)] !== undefined;
}

/**
 * GitHub's description is OpenAPI 3.0, where `nullable: true` widens a schema to also allow null;
 * JSON Schema (Ajv) spells that as a `null` alternative. Rewrites every schema node accordingly.
 */
export function openApiToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    // `properties` and `patternProperties` map names to schemas; their keys are not keywords.
    out[key] = key === 'properties' || key === 'patternProperties'
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, openApiToJsonSchema(v)]))
      : openApiToJsonSchema(value);
  }
  if ((node as { nullable?: unknown }).nullable !== true) return out;
  if (typeof out.type === 'string' && !out.enum) return { ...out, type: [out.type, 'null'] };
  return { anyOf: [{ type: 'null' }, out] };
}

/**
 * Throws unless `body` is what GitHub documents for this operation and status: a body matching the
 * JSON schema, or no body when the documented response has no content (304, 204).
 */
export function validateAgainstGithubOpenApi(method: string, pathTemplate: string, status: number, body: unknown): void {
  const response = githubResponseSpec(method, pathTemplate, status);
  const schema = response.content?.['application/json']?.schema;
  const where = `${method.toUpperCase()} ${pathTemplate} ${status}`;
  if (!schema) {
    if (body !== undefined && body !== '' && body !== null) throw new Error(`${where}: GitHub documents no body, got ${JSON.stringify(body).slice(0, 200)}`);
    return;
  }
  const key = `${where}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(openApiToJsonSchema(schema) as JsonSchema);
    compiled.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(`${where}: body does not match GitHub's OpenAPI schema: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`);
  }
}
