// Renders the pull request comment of a real change as GitHub shows it, into
// docs/images/pr-comment.png: bundles the CLI into a temporary folder, commits a base and a head
// version of two documents in a scratch repository (the example pair examples/pairs/orders and a
// real corpus change: asyncapi-cli's dummySpec.yml losing its security), runs the CLI in git mode
// with `--format markdown` (the same renderer as the Action's comment), turns the markdown into
// HTML with `marked`, and screenshots it with headless Chromium.
//
//   node scripts/render-comment.mjs [--corpus DIR] [--out FILE] [--html FILE] [--cli FILE]
//
// --corpus  the shared corpus folder (default: ../shared/corpus next to the repository)
// --out     the picture to write (default: docs/images/pr-comment.png)
// --html    also keep the HTML page here, to look at it in a browser
// --cli     use this CLI instead of a fresh bundle of the working tree (e.g. dist/cli/index.js)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { marked } from 'marked';

const root = resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({
  options: {
    corpus: { type: 'string', default: resolve(root, '..', 'shared', 'corpus') },
    out: { type: 'string', default: join(root, 'docs', 'images', 'pr-comment.png') },
    html: { type: 'string' },
    cli: { type: 'string' },
  },
});

const WIDTH = 860;
const dummySpec = join(options.corpus, 'asyncapi-cli', 'test', 'fixtures', 'dummyspec');

/** Each document of the scratch repository: its path there, its base and its head content. */
const DOCUMENTS = [
  {
    path: 'orders/asyncapi.yaml',
    base: join(root, 'examples', 'pairs', 'orders', 'base', 'asyncapi.yaml'),
    head: join(root, 'examples', 'pairs', 'orders', 'head', 'asyncapi.yaml'),
  },
  {
    path: 'dummyspec/dummySpec.yml',
    base: join(dummySpec, 'dummySpec.yml'),
    head: join(dummySpec, 'dummySpecWithoutSecurity.yml'),
  },
];

function bundleCli(folder) {
  const out = join(folder, 'dist');
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), out], {
    cwd: root,
    stdio: 'inherit',
  });
  return join(out, 'cli', 'index.js');
}

/** A repository with two commits: every document's base, then every document's head. */
function commitPair(folder) {
  mkdirSync(folder, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: folder, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  for (const side of ['base', 'head']) {
    for (const document of DOCUMENTS) {
      const target = join(folder, document.path);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(document[side], target);
    }
    git('add', '.');
    git(
      '-c',
      'user.name=render',
      '-c',
      'user.email=render@example.invalid',
      'commit',
      '-q',
      '-m',
      side,
    );
  }
  return folder;
}

/**
 * Two headless runs: the first prints the DOM after a script has measured the page, the second
 * takes a screenshot exactly that tall.
 */
function screenshot(pagePath, out, folder) {
  const url = pathToFileURL(pagePath).href;
  const dom = chromium(folder, ['--dump-dom', `--window-size=${WIDTH},600`, url]);
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
  if (!Number.isFinite(height) || height <= 0) throw new Error('could not measure the page');
  chromium(folder, [
    `--screenshot=${resolve(out)}`,
    `--window-size=${WIDTH},${height}`,
    '--hide-scrollbars',
    '--force-device-scale-factor=1',
    url,
  ]);
}

function chromium(folder, args) {
  const profile = mkdtempSync(join(folder, 'profile-'));
  return execFileSync(
    process.env.CHROMIUM ?? 'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function htmlPage(body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>AsyncAPI Security Review comment</title>
<style>${STYLE}</style>
</head>
<body>
<div class="comment">
  <div class="comment-header">
    <span class="avatar"></span>
    <strong>github-actions</strong> <span class="bot">bot</span> commented
  </div>
  <div class="markdown-body">
${body}
  </div>
</div>
<script>
  document.body.dataset.height = String(Math.ceil(document.documentElement.scrollHeight));
</script>
</body>
</html>
`;
}

// A small stylesheet written for this picture: GitHub's light theme, a comment in a timeline.
const STYLE = `
* { box-sizing: border-box; }
html, body { margin: 0; background: #ffffff; }
body {
  padding: 16px;
  color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
    "Liberation Sans", sans-serif, "Noto Color Emoji";
  font-size: 14px;
  line-height: 1.5;
}
.comment { border: 1px solid #d1d9e0; border-radius: 6px; overflow: hidden; }
.comment-header {
  display: flex; align-items: center; gap: 6px;
  padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; color: #59636e;
}
.comment-header strong { color: #1f2328; }
.avatar {
  display: inline-block; width: 20px; height: 20px; border-radius: 50%; background: #2da44e;
}
.bot {
  padding: 0 6px; border: 1px solid #d1d9e0; border-radius: 2em; font-size: 12px;
  line-height: 18px;
}
.markdown-body { padding: 16px; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0 !important; }
.markdown-body > :last-child { margin-bottom: 0 !important; }
h2, h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
h2 { font-size: 1.5em; padding-bottom: 0.3em; border-bottom: 1px solid #d1d9e0b3; }
h4 { font-size: 1em; }
p, ul, table, pre, details { margin: 0 0 16px; }
ul { padding-left: 2em; }
li + li { margin-top: 0.25em; }
code {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono",
    "DejaVu Sans Mono", monospace;
  font-size: 85%; padding: 0.2em 0.4em; border-radius: 6px; background: #818b981f;
  white-space: break-spaces;
}
pre {
  padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45;
  background: #f6f8fa; border-radius: 6px;
}
pre code { padding: 0; font-size: 100%; background: transparent; white-space: pre; }
table { border-collapse: collapse; border-spacing: 0; display: block; width: max-content; }
th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
summary { cursor: pointer; display: list-item; }
strong { font-weight: 600; }
`;

const scratch = mkdtempSync(join(tmpdir(), 'asr-comment-'));
try {
  const cli = options.cli === undefined ? bundleCli(scratch) : resolve(options.cli);
  const repository = commitPair(join(scratch, 'repository'));
  const markdown = execFileSync(
    process.execPath,
    [cli, '--format', 'markdown', '--fail-on', 'none', '--base-ref', 'HEAD~1'],
    { cwd: repository, encoding: 'utf8' },
  );

  // Comments on GitHub, unlike .md files, turn a single newline into a line break.
  const page = htmlPage(await marked.parse(markdown, { gfm: true, breaks: true }));
  const pagePath = join(scratch, 'comment.html');
  writeFileSync(pagePath, page);
  if (options.html !== undefined) writeFileSync(options.html, page);

  mkdirSync(dirname(options.out), { recursive: true });
  screenshot(pagePath, options.out, scratch);
  console.log(`Wrote ${options.out}.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
