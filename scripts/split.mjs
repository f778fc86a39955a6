// scripts/split.mjs: Trunk post-build hook. Cuts the app's wasm into the first route's module and on-demand parts.
//
// Trunk 0.21 cannot split a module (trunk issue 1022), so this redoes the app's last steps the way
// cargo-leptos --split does: the raw module cargo linked (with --emit-relocs, from build.rs under
// the `split` feature) goes through wasm-split-cli (wasm_split_cli_support), wasm-bindgen
// --keep-lld-exports on the main part, and wasm-opt on every part. Trunk's own unsplit output is
// replaced in the staging dir. Every file is named with one hash of the whole set, because the
// main script and the split loader import each other. The parts are listed in the page's
// `data-precache` for the service worker, which fetches them after start-up; the page fetches a
// part only when its route first opens (src/ui/on_demand.rs).
import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const APP = 'escalation-desk';
const LINK = 'split-link';
// The same features Trunk's wasm-opt step was given (index.html).
const WASM_OPT_ARGS = ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];

function fail(what, hint) {
  console.error(`scripts/split.mjs: ${what}\n  ${hint}`);
  process.exit(1);
}

function run(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    fail(`${command} ${args.join(' ')} failed:\n${error.stderr || error.message}`, 'scripts/lib.sh (ensure_toolchain) installs the tools at the versions this needs');
  }
}

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail('TRUNK_STAGING_DIR is not set', 'run it as a Trunk post_build hook (Trunk.toml)');
const profile = process.env.TRUNK_PROFILE === 'debug' ? 'debug' : 'release';
const targetDir = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
const raw = join(targetDir, 'wasm32-unknown-unknown', profile, `${APP}.wasm`);
if (!existsSync(raw)) fail(`the linked module ${raw} is missing`, 'Trunk builds it first; check the Rust build above');

const work = mkdtempSync(join(tmpdir(), 'escalation-desk-split-'));
try {
  // 1. Split: main module, one part per split point, shared chunks, and the JS that loads them.
  run('wasm-split-cli', [raw, join(work, 'split'), '--target', 'web', '--out-name', APP]);
  // 2. Bindgen the main part; the parts link against its lld exports (memory, table, functions).
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', join(work, 'out'), '--out-name', APP, join(work, 'split', `${APP}.wasm`)]);
  const wasmOpt = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
  if (!existsSync(wasmOpt)) fail('npm binaryen (wasm-opt 132) is missing', 'run scripts/serve or scripts/test, which install it');
  const parts = readdirSync(join(work, 'split')).filter((name) => name.endsWith('.wasm') && name !== `${APP}.wasm`);
  if (parts.length === 0) fail('the splitter found no split points', 'the app must be built with the `split` feature (index.html data-cargo-features)');
  // 3. Optimise every part as Trunk optimised the whole module, as many at once as there are cores.
  const jobs = [[join(work, 'out', `${APP}_bg.wasm`), join(work, 'main.wasm')], ...parts.map((part) => [join(work, 'split', part), join(work, part)])];
  const optimise = promisify(execFile);
  const workers = Array.from({ length: Math.max(1, availableParallelism()) }, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      await optimise(wasmOpt, [...WASM_OPT_ARGS, job[0], '-o', job[1]]).catch((error) => fail(`wasm-opt on ${job[0]} failed:\n${error.stderr || error.message}`, 'the splitter wrote a module wasm-opt 132 refuses; check wasm_split_cli_support\'s version'));
    }
  });
  await Promise.all(workers);
  const files = new Map();
  files.set(`${APP}_bg.wasm`, readFileSync(join(work, 'main.wasm')));
  files.set(`${APP}.js`, readFileSync(join(work, 'out', `${APP}.js`)));
  files.set('__wasm_split.js', readFileSync(join(work, 'split', '__wasm_split.js')));
  for (const part of parts) files.set(part, readFileSync(join(work, part)));
  // 4. One hash over the whole set names every file, and the cross-references are rewritten.
  const hash = createHash('sha256');
  for (const name of [...files.keys()].sort()) hash.update(name).update(files.get(name));
  const h = hash.digest('hex').slice(0, 16);
  const renamed = (name) => {
    if (name === `${APP}.js`) return `${APP}-${h}.js`;
    if (name === `${APP}_bg.wasm`) return `${APP}-${h}_bg.wasm`;
    if (name === '__wasm_split.js') return `${LINK}-${h}.js`;
    return name.replace(/\.wasm$/, `-${h}.wasm`);
  };
  const rewrite = (text, from, to) => {
    if (!text.includes(from)) fail(`expected a reference to ${from} in the generated JS`, 'the splitter or wasm-bindgen changed its output; check their versions');
    return text.split(from).join(to);
  };
  let main = files.get(`${APP}.js`).toString('utf8');
  // Only the import statements: the wasm's own import names stay "./__wasm_split.js".
  main = rewrite(main, 'from "./__wasm_split.js"', `from "./${LINK}-${h}.js"`);
  let link = files.get('__wasm_split.js').toString('utf8');
  link = rewrite(link, `./${APP}.js`, `./${APP}-${h}.js`);
  for (const part of parts) {
    if (link.includes(`./${part}`)) link = link.split(`./${part}`).join(`./${renamed(part)}`);
  }
  files.set(`${APP}.js`, Buffer.from(main));
  files.set('__wasm_split.js', Buffer.from(link));

  // 5. Replace Trunk's unsplit output in the staging dir and in the page.
  let html = readFileSync(join(staging, 'index.html'), 'utf8');
  // Trunk writes its hash as a plain hex number, so a leading zero drops a digit (15 in about
  // one build of 16): any length, not exactly 16.
  const trunkJs = html.match(new RegExp(`/(${APP}-[0-9a-f]{1,16}\\.js)`));
  const trunkWasm = html.match(new RegExp(`/(${APP}-[0-9a-f]{1,16}_bg\\.wasm)`));
  if (!trunkJs || !trunkWasm) {
    const named = [...new Set(html.match(new RegExp(`${APP}[^"' ]*`, 'g')) || [])].join(', ') || 'nothing of the app';
    fail(`the staged page names no app script or wasm (it names: ${named})`, `index.html must keep its data-trunk rel="rust" link for ${APP}`);
  }
  const sri = (body) => `sha384-${createHash('sha384').update(body).digest('base64')}`;
  for (const [old, mine] of [[trunkJs[1], `${APP}.js`], [trunkWasm[1], `${APP}_bg.wasm`]]) {
    const oldBody = readFileSync(join(staging, old));
    html = html.split(sri(oldBody)).join(sri(files.get(mine)));
    html = html.split(`/${old}`).join(`/${renamed(mine)}`);
    unlinkSync(join(staging, old));
  }
  for (const [name, body] of files) writeFileSync(join(staging, renamed(name)), body);
  const linkPath = `/${LINK}-${h}.js`;
  const partPaths = parts.map((part) => `/${renamed(part)}`).sort();
  // The split loader is part of the first route (the main script imports it), so it is preloaded;
  // the parts are precached by the service worker and fetched by the page only on demand.
  html = html.replace('</head>', `  <link rel="modulepreload" href="${linkPath}" crossorigin="anonymous" integrity="${sri(files.get('__wasm_split.js'))}">\n  <meta name="on-demand-parts" content="${partPaths.length} parts" data-precache="${partPaths.join(' ')}" />\n  </head>`);
  writeFileSync(join(staging, 'index.html'), html);
  console.log(`scripts/split.mjs: ${parts.length} on-demand parts, main ${Math.round(files.get(`${APP}_bg.wasm`).length / 1024)} KB raw`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
