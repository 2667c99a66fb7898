#!/usr/bin/env node
import { runCli } from './main.js';

void runCli(process.argv.slice(2), process.cwd()).then((outcome) => {
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  process.exitCode = outcome.exitCode;
});
