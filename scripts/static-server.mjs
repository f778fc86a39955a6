// static-server.mjs: serve a built dist/ on loopback like a static host would, with SPA fallback.
// Used by scripts/serve and by the e2e tests, which start and stop it to go offline.
import { createServer, request as forward } from 'node:http';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$/;
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.wasm', '.css', '.json', '.webmanifest', '.svg']);
// Compressed once per file version, as a static host or CDN would serve them.
const compressed = new Map();

/** Writes `<asset>.br` (best brotli) next to each hashed asset in `root`, as a deploy step would. */
export async function precompress(root) {
  for (const name of await readdir(root)) {
    if (!HASHED.test(name)) continue;
    const body = await readFile(join(root, name));
    await writeFile(join(root, `${name}.br`), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

async function encode(file, body, mtime, accepts) {
  if (!COMPRESSIBLE.has(extname(file)) || body.length < 1024) return null;
  const scheme = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
  if (!scheme) return null;
  if (scheme === 'br' && HASHED.test(file)) {
    try {
      return { scheme, data: await readFile(`${file}.br`) };
    } catch {
      // Not precompressed (a dev build): compress on the fly below.
    }
  }
  const key = `${scheme}:${file}:${mtime}`;
  if (!compressed.has(key)) {
    // Quality 5 on the fly: close to the best for small files, and fast for the wasm.
    compressed.set(key, scheme === 'br'
      ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
      : gzipSync(body, { level: 6 }));
  }
  return { scheme, data: compressed.get(key) };
}

/**
 * Passes a request under `/couch/` to the CouchDB server at `target` (a loopback URL), so the
 * app talks only to its own origin and its CSP keeps `connect-src 'self'`, as a reverse proxy
 * in front of Apache CouchDB would. The prefix is removed; cookies and bodies pass unchanged.
 */
function proxyToCouch(req, res, target) {
  const upstream = new URL(target);
  const path = req.url.slice('/couch'.length) || '/';
  const headers = { ...req.headers, host: upstream.host };
  delete headers.origin;
  delete headers.referer;
  const out = forward({ hostname: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (answer) => {
    const back = { ...answer.headers, 'cache-control': 'no-store' };
    res.writeHead(answer.statusCode || 502, back);
    answer.pipe(res);
  });
  out.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'bad_gateway', reason: `the CouchDB server did not answer (${e.code || e.message})` }));
  });
  req.pipe(out);
}

/**
 * `mounts` maps a URL prefix to another folder (the benchmark's baseline page at `/__bench/`),
 * so extra pages can sit beside the app without ever being copied into dist/. `couch`, when
 * given, is the loopback URL of a CouchDB server that `/couch/` is passed to (team sync).
 */
export function startServer({ root, port, host = '127.0.0.1', mounts = {}, couch = null }) {
  const server = createServer(async (req, res) => {
    if (couch && (req.url === '/couch' || req.url.startsWith('/couch/'))) {
      proxyToCouch(req, res, couch);
      return;
    }
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const mount = Object.keys(mounts).find((prefix) => path.startsWith(prefix));
    const base = resolve(mount ? mounts[mount] : root);
    if (mount) path = path.slice(mount.length - 1);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    } catch {
      // Unknown paths without an extension are app routes: answer with the shell (SPA fallback).
      file = extname(path) ? null : join(base, 'index.html');
    }
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      const cache = HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
      const headers = { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': cache, Vary: 'Accept-Encoding' };
      const packed = await encode(file, body, (await stat(file)).mtimeMs, req.headers['accept-encoding'] || '');
      if (packed) headers['Content-Encoding'] = packed.scheme;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : (packed ? packed.data : body));
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

export function stopServer(server) {
  return new Promise((ok) => {
    server.closeAllConnections?.();
    server.close(() => ok());
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === '--precompress') {
  precompress(process.argv[3] || 'dist').catch((e) => {
    console.error(`precompressing failed: ${e.message}`);
    process.exit(1);
  });
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [root = 'dist', port = '8080'] = process.argv.slice(2);
  const couch = process.env.COUCH_URL || null;
  startServer({ root, port: Number(port), couch }).then(
    () => console.log(`Escalation Desk: http://127.0.0.1:${port}/${couch ? ` (team sync: /couch/ → ${couch})` : ''}`),
    (e) => {
      console.error(`cannot serve on 127.0.0.1:${port}: ${e.message}`);
      process.exit(1);
    },
  );
}
