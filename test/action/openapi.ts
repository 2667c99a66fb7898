/**
 * Checks recorded requests against GitHub's published OpenAPI description: the method and path
 * must be an operation GitHub documents, query parameters must be ones it declares, and a JSON
 * body must carry the properties it requires and no others.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RecordedRequest } from './fake-github.js';

interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: {
    content: Record<
      string,
      { schema: { properties?: Record<string, unknown>; required?: string[] } }
    >;
  };
}

interface OpenApiDescription {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter> };
}

const require = createRequire(import.meta.url);
const descriptionPath = require.resolve('@octokit/openapi/generated/api.github.com.json');
let description: OpenApiDescription | undefined;

function loadDescription(): OpenApiDescription {
  description ??= JSON.parse(readFileSync(descriptionPath, 'utf8')) as OpenApiDescription;
  return description;
}

function templateToRegExp(template: string): RegExp {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${pattern}$`);
}

function parameterName(spec: OpenApiDescription, parameter: Parameter): Parameter {
  if (parameter.$ref === undefined) return parameter;
  const key = parameter.$ref.replace('#/components/parameters/', '');
  return spec.components.parameters[key] ?? parameter;
}

/** Returns the operation id the request matches, or a sentence saying why none does. */
export function checkAgainstOpenApi(request: RecordedRequest): { operationId: string } | string {
  const spec = loadDescription();
  const method = request.method.toLowerCase();
  const template = Object.keys(spec.paths).find((path) => {
    return spec.paths[path]?.[method] !== undefined && templateToRegExp(path).test(request.path);
  });
  if (template === undefined)
    return `${request.method} ${request.path} is not a documented operation`;
  const operation = spec.paths[template]?.[method] as Operation;

  const declared = new Set(
    (operation.parameters ?? [])
      .map((parameter) => parameterName(spec, parameter))
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => parameter.name),
  );
  for (const name of request.query.keys()) {
    if (!declared.has(name)) return `${operation.operationId} declares no query parameter ${name}`;
  }

  const schema = operation.requestBody?.content['application/json']?.schema;
  if (schema !== undefined) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in body)) return `${operation.operationId} requires body property ${name}`;
    }
    for (const name of Object.keys(body)) {
      if (!(name in (schema.properties ?? {}))) {
        return `${operation.operationId} has no body property ${name}`;
      }
    }
  }
  return { operationId: operation.operationId };
}
