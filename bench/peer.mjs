// The peer: what a reviewer gets from the AsyncAPI toolchain today. @asyncapi/parser validates
// and dereferences both documents (it needs them whole), then @asyncapi/diff compares them.
// Prints one JSON line with the change counts so run.mjs can show the peer did real work.
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { diff } from '@asyncapi/diff';

const parser = new Parser();
const documents = [];
for (const path of process.argv.slice(2, 4)) {
  const { document, diagnostics } = await parser.parse(readFileSync(path, 'utf8'), {
    source: path,
  });
  // Severity 0 is an error: the parser then returns no document, and there is nothing to diff.
  if (!document) {
    const errors = diagnostics.filter((d) => d.severity === 0).slice(0, 3);
    console.error(`${path}: not parsed: ${errors.map((d) => d.message).join('; ')}`);
    process.exit(1);
  }
  documents.push(document.json());
}

const output = diff(documents[0], documents[1]);
console.log(
  JSON.stringify({
    breaking: output.breaking().length,
    nonBreaking: output.nonBreaking().length,
    unclassified: output.unclassified().length,
  }),
);
