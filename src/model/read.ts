/** Turns a loaded document of any supported version into the version-independent model. */
import { DocumentError } from '../load/errors.js';
import type { LoadedDocument } from '../load/loader.js';
import { readAsyncApi2 } from './asyncapi2.js';
import { readAsyncApi3 } from './asyncapi3.js';
import { isMap, ModelContext, type ModelOptions } from './context.js';
import type { ApiModel } from './types.js';

export function readModel(document: LoadedDocument, options: ModelOptions): ApiModel {
  const root = document.root;
  const context = new ModelContext(document, options);
  const top = context.locate(root);

  if (root === null || root === undefined) {
    throw new DocumentError(
      document.path,
      1,
      1,
      'the file is empty; an AsyncAPI document starts with asyncapi: and its version',
    );
  }
  if (!isMap(root)) {
    throw new DocumentError(document.path, top.line, 1, 'the top level must be a mapping');
  }

  const version = root.asyncapi;
  if (typeof version !== 'string') {
    const at = Object.hasOwn(root, 'asyncapi') ? context.locate(root, 'asyncapi') : top;
    const reason = Object.hasOwn(root, 'asyncapi')
      ? // `asyncapi: 3.0` is a number to YAML; the version is a string of three parts.
        `asyncapi must be a version string such as "3.0.0", not ${describeVersion(version)}; ` +
        'quote it'
      : Object.hasOwn(root, 'openapi') || Object.hasOwn(root, 'swagger')
        ? 'this is an OpenAPI document, not AsyncAPI; leave it out of the files reviewed'
        : 'the top level has no asyncapi field with a version string such as "3.0.0"';
    throw new DocumentError(document.path, at.line, 1, reason);
  }

  const versionAt = context.locate(root, 'asyncapi');
  if (/^2\.[0-6]\.\d+$/.test(version)) return readAsyncApi2(context, root, version);
  if (/^3\.[01]\.\d+$/.test(version)) return readAsyncApi3(context, root, version);

  throw new DocumentError(
    document.path,
    versionAt.line,
    1,
    `AsyncAPI ${version} is not supported; versions 2.0.0 to 3.1.0 are`,
  );
}

function describeVersion(value: unknown): string {
  return typeof value === 'number' ? `the number ${value}` : (JSON.stringify(value) ?? 'nothing');
}
