// The Action's entry point: build the runner context and run. Everything else is in main.ts.
import { run } from './main.js';
import { createRunnerContext } from './runner.js';

await run(createRunnerContext());
