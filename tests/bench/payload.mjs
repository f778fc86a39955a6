// payload.mjs: what each route downloads from a built dist/ (B1, B11 and the on-demand parts), brotli; run alone it prints the table and writes tests/bench/payload-results.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DIST = resolve(HERE, '../../dist');
const round = (x) => Math.round(x * 10) / 10;

/** A file's size raw and as a deploy serves it: the precompressed copy, else best brotli. */
function sizes(name) {
  const body = readFileSync(join(DIST, name));
  const br = join(DIST, `${name}.br`);
  const packed = existsSync(br) ? readFileSync(br) : brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  return { raw: body.length, brotli: packed.length };
}

function sum(names) {
  const files = {};
  let raw = 0;
  let brotli = 0;
  for (const name of names) {
    files[name] = sizes(name);
    raw += files[name].raw;
    brotli += files[name].brotli;
  }
  return { files, raw_kb: round(raw / 1024), brotli_kb: round(brotli / 1024) };
}

/**
 * B1: what a first visit downloads before the queue is usable: every script, wasm and stylesheet
 * the page names (src/href: the boot script, the app's module and its split loader, the CSS),
 * not the parts it only lists for the service worker (data-precache) or the SQL engine (data-lazy).
 */
export function payload() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const assets = [...new Set([...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|wasm|css))"/g)].map((m) => m[1]))];
  return sum(assets);
}

/** B11: what opening the SQL console downloads: the worker's loader, glue and wasm, brotli. */
export function sqlEngineSize() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const lazy = (html.match(/data-lazy="([^"]+)"/) || [null, ''])[1].split(' ').filter(Boolean).map((p) => p.slice(1));
  return sum(lazy);
}

/**
 * What opening each on-demand page downloads the first time: its own part and the shared chunks
 * the split loader fetches with it (read from the loader's `makeLoad` calls), brotli. A chunk
 * shared with a page already opened is fetched once, so later pages cost at most this.
 */
export function routeParts() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const loaderPath = (html.match(/href="\/(split-link-[0-9a-f]{16}\.js)"/) || [])[1];
  if (!loaderPath) return null;
  const loader = readFileSync(join(DIST, loaderPath), 'utf8');
  const chunkFile = {};
  for (const m of loader.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) chunkFile[m[1]] = m[2];
  const routes = {};
  for (const m of loader.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(([\s\S]*?), \[([^\]]*)\]\)\)/g)) {
    const own = (m[2].match(/new URL\("\.\/([^"]+)"/) || [])[1];
    const chunks = m[3].split(',').map((c) => c.trim()).filter(Boolean).map((c) => chunkFile[c]);
    routes[m[1]] = sum([...(own ? [own] : []), ...chunks]);
    routes[m[1]].requests = chunks.length + (own ? 1 : 0);
  }
  const every = (html.match(/data-precache="([^"]+)"/) || [null, ''])[1].split(' ').filter(Boolean).map((p) => p.slice(1));
  return { routes, all_parts: sum(every) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const first = payload();
  const parts = routeParts();
  const sql = sqlEngineSize();
  console.log(`first route (B1): ${first.brotli_kb} KB brotli, ${first.raw_kb} KB raw`);
  for (const [name, f] of Object.entries(first.files)) console.log(`  ${name}: ${round(f.brotli / 1024)} KB`);
  if (parts) {
    for (const [name, r] of Object.entries(parts.routes)) console.log(`on demand, ${name}: ${r.brotli_kb} KB brotli in ${r.requests} files`);
    console.log(`every part (what the service worker precaches): ${parts.all_parts.brotli_kb} KB brotli`);
  } else {
    console.log('no split loader in dist/: an unsplit build');
  }
  console.log(`SQL engine (B11): ${sql.brotli_kb} KB brotli`);
  const out = join(HERE, 'payload-results.json');
  writeFileSync(out, `${JSON.stringify({ measured_at: new Date().toISOString(), first_route: first, on_demand: parts, sql_engine: sql }, null, 2)}\n`);
  console.log(`written to ${out}`);
}
