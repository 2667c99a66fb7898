/** Test helpers: review files on disk the way the CLI does, one folder as the root of each side. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import type { DocumentReview, SecurityModel } from '../../src/compare/finding.js';
import { reviewDocument, type EngineOptions } from '../../src/engine.js';
import { FolderSource } from '../../src/load/folder.js';

export async function reviewFiles(
  basePath: string | null,
  headPath: string | null,
  model: SecurityModel = 'override',
  options: Partial<EngineOptions> = {},
): Promise<DocumentReview> {
  const side = (path: string | null) =>
    path === null ? null : { source: new FolderSource(dirname(path)), path: basename(path) };
  return reviewDocument(side(basePath), side(headPath), { model, ...options });
}

/** Reviews two documents given as text, each in a folder of its own. */
export async function reviewTexts(
  baseText: string | null,
  headText: string,
  model: SecurityModel = 'override',
): Promise<DocumentReview> {
  const folder = await mkdtemp(join(tmpdir(), 'asr-'));
  const basePath = join(folder, 'base.yaml');
  const headPath = join(folder, 'head.yaml');
  if (baseText !== null) await writeFile(basePath, baseText);
  await writeFile(headPath, headText);
  return reviewFiles(baseText === null ? null : basePath, headPath, model);
}
