// scripts/csp.mjs: Trunk post-build hook. Moves Trunk's inline start-up script into a hashed file and adds a strict Content-Security-Policy.
//
// Trunk 0.21 always writes the wasm loader as an inline <script type="module">, which a CSP
// without 'unsafe-inline' would block. The script's text is fixed per build, so it becomes
// /boot-<hash>.js (cached like any hashed asset by the service worker) with an SRI hash.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('scripts/csp.mjs: TRUNK_STAGING_DIR is not set; run it as a Trunk post_build hook');
  process.exit(1);
}
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const inline = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)];
if (inline.length !== 1) {
  console.error(`scripts/csp.mjs: expected exactly one inline module script from Trunk, found ${inline.length}; the staged page was:\n${html}`);
  process.exit(1);
}
const [tag, loader] = inline[0];
// indexed_db_futures reports only that a commit was aborted, not why; a full disk shows up just
// so (the browser aborts the transaction with a QuotaExceededError on it). This notes the reason
// where the app looks for it (`storage::take_last_abort`), so the person is told the disk is full.
const ABORT_REASON = `{
  const open = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    const tx = open.apply(this, args);
    tx.addEventListener('abort', () => { globalThis.__escalationDeskLastAbort = tx.error ? tx.error.name : null; });
    return tx;
  };
}
`;
// The page's uncaught errors, kept (at most 50, shortened) where a test driver without a console
// feed (classic WebDriver, as WebKit's) can read them; nothing leaves the page.
const ERRORS_KEPT = `{
  const kept = (globalThis.__escalationDeskErrors = []);
  const keep = (text) => { if (kept.length < 50) kept.push(String(text).slice(0, 500)); };
  addEventListener('error', (e) => keep(e.message || e.error || 'error'));
  addEventListener('unhandledrejection', (e) => keep(e.reason && e.reason.message || e.reason));
}
`;
const body = ERRORS_KEPT + ABORT_REASON + loader;
const hex = createHash('sha256').update(body).digest('hex').slice(0, 16);
const name = `boot-${hex}.js`;
writeFileSync(join(dir, name), body);
const sri = `sha384-${createHash('sha384').update(body).digest('base64')}`;
let out = html.replace(tag, `<script type="module" src="/${name}" integrity="${sri}"></script>`);
out = out.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${POLICY}" />`);
out = hashSqlWorker(out);
if (!out.includes('Content-Security-Policy') || /<script(?![^>]*\bsrc=)[^>]*>/.test(out)) {
  console.error('scripts/csp.mjs: the policy was not added, or an inline script is left');
  process.exit(1);
}
writeFileSync(file, out);

// Trunk names worker files without a hash (the page must know the name at run time). Hashing them
// here lets the service worker cache them like every other asset; the page finds the loader in a
// <meta> that nothing fetches from, so the worker still loads only when the console opens.
function hashSqlWorker(page) {
  const js = join(dir, 'sql-worker.js');
  const wasm = join(dir, 'sql-worker_bg.wasm');
  if (!existsSync(js) || !existsSync(wasm)) {
    console.error('scripts/csp.mjs: the SQL worker (sql-worker.js, sql-worker_bg.wasm) was not built');
    process.exit(1);
  }
  const h = createHash('sha256').update(readFileSync(js)).update(readFileSync(wasm)).digest('hex').slice(0, 16);
  renameSync(js, join(dir, `sql-worker-${h}.js`));
  renameSync(wasm, join(dir, `sql-worker-${h}_bg.wasm`));
  const loader = `sql-worker-loader-${h}.js`;
  writeFileSync(join(dir, loader), `importScripts('/sql-worker-${h}.js');wasm_bindgen('/sql-worker-${h}_bg.wasm');\n`);
  const assets = [`/${loader}`, `/sql-worker-${h}.js`, `/sql-worker-${h}_bg.wasm`].join(' ');
  return page.replace('</head>', `  <meta name="sql-worker" content="/${loader}" data-lazy="${assets}" />\n  </head>`);
}
