// couch.mjs: a real CouchDB-compatible server (pouchdb-server from npm) for the team-sync tests,
// started by the test itself on 127.0.0.1 in its own empty folder (it writes its config there),
// with a team database, its members and the repo's validate_doc_update installed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTeam } from '../../scripts/couch/setup.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'node_modules/.bin/pouchdb-server');
export const ADMIN = { name: 'admin', password: 'admin-secret' };

async function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

async function answers(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Starts the server and waits until it answers (polled, not a fixed wait). */
async function launch(dir, port) {
  // On disk (LevelDB), so a restart keeps the data, as a real server does.
  const child = spawn(BIN, ['--dir', join(dir, 'data'), '--port', String(port), '--host', '127.0.0.1'], { cwd: dir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (!(await answers(`${url}/`))) {
    if (child.exitCode !== null) throw new Error(`pouchdb-server exited with ${child.exitCode}`);
    if (Date.now() - started > 60_000) throw new Error('pouchdb-server did not answer within a minute');
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** Stops `child` and resolves once it has exited. */
function ended(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill();
  return exited;
}

/** A running server with `database` for `users`; `stop()` ends it and removes its folder. */
export async function startCouch({ database, users }) {
  const dir = await mkdtemp(join(tmpdir(), 'ed-couch-'));
  const port = await freePort();
  let child = await launch(dir, port);
  const url = `http://127.0.0.1:${port}`;
  await setupTeam({ url, admin: ADMIN, database, users });
  return {
    url,
    /** A document written straight to the server as the admin, as a hostile or broken client could. */
    async put(id, doc) {
      const res = await fetch(`${url}/${database}/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}` },
        body: JSON.stringify(doc),
      });
      return { status: res.status, json: await res.json() };
    },
    async get(path) {
      const res = await fetch(`${url}/${database}/${path}`, {
        headers: { Authorization: `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}` },
      });
      return res.json();
    },
    /** Stops the server, as a network that drops would look to the app, until `up()`. */
    async down() {
      await ended(child);
    },
    /** Starts a server stopped by `down()` again on the same port and data, waiting until it answers. */
    async up() {
      child = await launch(dir, port);
    },
    /** Stops the server and starts it again on the same port and data, waiting until it answers. */
    async restart() {
      await ended(child);
      child = await launch(dir, port);
    },
    async stop() {
      await ended(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
