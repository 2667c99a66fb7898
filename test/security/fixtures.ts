/**
 * Hostile documents in throwaway folders: a root the review may read, and next to it a secret
 * file it must never read, whose canary text must not appear in any output.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { DocumentReview } from '../../src/compare/finding.js';
import { reviewDocument, type EngineOptions } from '../../src/engine.js';
import { FolderSource } from '../../src/load/folder.js';

export const CANARY = 'CANARY-7f3a9c-never-read';

/** A scheme file outside the root; reading it would put the canary into the findings. */
export const SECRET_DOCUMENT = `components:
  securitySchemes:
    cert:
      type: X509
      description: ${CANARY}
`;

export interface DocumentParts {
  serverName?: string;
  protocol?: string;
  /** The server's `security` list items, as YAML flow text. */
  serverSecurity?: string[];
  operationId?: string;
  channelKey?: string;
  address?: string;
  /** Extra YAML under `components.securitySchemes`, indented by four spaces. */
  schemes?: string;
  /** Extra top-level YAML. */
  extra?: string;
}

/** Quotes a string as a YAML double-quoted scalar (JSON is valid YAML there). */
export function q(text: string): string {
  return JSON.stringify(text);
}

/** An AsyncAPI 3.0 document: one server, one channel, one operation. */
export function asyncapi3(parts: DocumentParts = {}): string {
  const security = parts.serverSecurity ?? ["{$ref: '#/components/securitySchemes/cert'}"];
  const securityYaml =
    security.length === 0 ? '' : `    security:\n${security.map((s) => `      - ${s}\n`).join('')}`;
  const channelKey = parts.channelKey ?? 'orders';
  return `asyncapi: 3.0.0
info:
  title: Orders
  version: 1.0.0
servers:
  ${q(parts.serverName ?? 'production')}:
    host: broker.example.com
    protocol: ${parts.protocol ?? 'mqtts'}
${securityYaml}channels:
  ${q(channelKey)}:
    address: ${q(parts.address ?? 'orders')}
operations:
  ${q(parts.operationId ?? 'sendOrder')}:
    action: send
    channel:
      $ref: ${q(`#/channels/${channelKey.replace(/~/g, '~0').replace(/\//g, '~1')}`)}
components:
  securitySchemes:
    cert:
      type: X509
${parts.schemes ?? ''}${parts.extra ?? ''}`;
}

export interface Workspace {
  /** The folder whose files the review may read. */
  root: string;
  /** The folder that holds the root and the secret file next to it. */
  outside: string;
  secretPath: string;
  write(path: string, content: string | Uint8Array): void;
  symlink(path: string, target: string): void;
  review(head: string, options?: Partial<EngineOptions>): Promise<DocumentReview>;
  cleanup(): void;
}

/** A root with `base.yaml` (the secured document) and a secret file outside it. */
export function createWorkspace(base: string | null = asyncapi3()): Workspace {
  const outside = mkdtempSync(join(tmpdir(), 'asr-hostile-'));
  const root = join(outside, 'root');
  mkdirSync(root);
  const secretPath = join(outside, 'secret.yaml');
  writeFileSync(secretPath, SECRET_DOCUMENT);
  const write = (path: string, content: string | Uint8Array) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  if (base !== null) write('base.yaml', base);

  return {
    root,
    outside,
    secretPath,
    write,
    symlink(path, target) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      symlinkSync(target, join(root, path));
    },
    async review(head, options = {}) {
      write('head.yaml', head);
      const source = new FolderSource(root);
      const baseSide = base === null ? null : { source, path: 'base.yaml' };
      return reviewDocument(
        baseSide,
        { source, path: 'head.yaml' },
        {
          model: 'override',
          ...options,
        },
      );
    },
    cleanup() {
      rmSync(outside, { recursive: true, force: true });
    },
  };
}
