/**
 * Checks recorded requests against GitHub's published OpenAPI description: the method and path
 * must be an operation GitHub documents, query parameters must be ones it declares, and a JSON
 * body must match its schema at every depth: required properties present, no undeclared ones,
 * types, enums, and limits such as a check run's 50 annotations per request.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RecordedRequest } from './fake-github.js';

interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}

/** The parts of an OpenAPI 3.0 schema object that GitHub's request bodies use. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  maxItems?: number;
  minItems?: number;
  maxLength?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface OpenApiDescription {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter>; schemas: Record<string, Schema> };
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
    const problem = checkValue(spec, schema, request.body ?? {}, 'body');
    if (problem !== null) return `${operation.operationId}: ${problem}`;
  }
  return { operationId: operation.operationId };
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Why `value` does not match `schema`, or null when it does. `at` names the place. */
function checkValue(
  spec: OpenApiDescription,
  schema: Schema,
  value: unknown,
  at: string,
): string | null {
  if (schema.$ref !== undefined) {
    const key = schema.$ref.replace('#/components/schemas/', '');
    const target = spec.components.schemas[key];
    if (target === undefined) return `${at}: unknown schema ${schema.$ref}`;
    return checkValue(spec, target, value, at);
  }
  for (const part of schema.allOf ?? []) {
    const problem = checkValue(spec, part, value, at);
    if (problem !== null) return problem;
  }
  for (const alternatives of [schema.anyOf, schema.oneOf]) {
    if (alternatives === undefined) continue;
    const problems = alternatives.map((part) => checkValue(spec, part, value, at));
    if (!problems.includes(null)) return problems[0] ?? `${at}: matches no alternative`;
  }

  const actual = typeOf(value);
  if (value === null && schema.nullable === true) return null;
  const types = schema.type === undefined ? [] : [schema.type].flat();
  const typeMatches = types.some((type) => {
    return type === actual || (type === 'number' && actual === 'integer');
  });
  if (types.length > 0 && !typeMatches) return `${at} is ${actual}, not ${types.join(' or ')}`;
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    return `${at} is ${JSON.stringify(value)}, not one of ${schema.enum.join(', ')}`;
  }

  if (typeof value === 'string' && schema.maxLength !== undefined) {
    if (value.length > schema.maxLength) return `${at} is longer than ${schema.maxLength}`;
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return `${at} has ${value.length} items, over the maximum of ${schema.maxItems}`;
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return `${at} has ${value.length} items, under the minimum of ${schema.minItems}`;
    }
    for (const [index, item] of value.entries()) {
      const problem = schema.items ? checkValue(spec, schema.items, item, `${at}[${index}]`) : null;
      if (problem !== null) return problem;
    }
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in object)) return `${at} requires property ${name}`;
    }
    // GitHub's request schemas list every property they take; a branch that allows others
    // says so with additionalProperties: true.
    const open = schema.additionalProperties === true || schema.properties === undefined;
    for (const [name, item] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property === undefined) {
        if (!open) return `${at} has no property ${name}`;
        continue;
      }
      const problem = checkValue(spec, property, item, `${at}.${name}`);
      if (problem !== null) return problem;
    }
  }
  return null;
}
