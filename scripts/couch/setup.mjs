// setup.mjs: prepare a team's database on a CouchDB server (Apache CouchDB 3 or pouchdb-server):
// the users, the database, its _security members and the validate_doc_update design document.
// Idempotent: run it again to add a user or to update the design document.
//   node scripts/couch/setup.mjs --url http://127.0.0.1:5984 --admin admin:secret --db team-payouts --user maya:pw --user wei:pw
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const DESIGN_ID = '_design/escalation-desk';

async function call(url, method, path, { auth, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.name}:${auth.password}`).toString('base64')}`;
  const res = await fetch(new URL(path, url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { raw: text }; }
  return { status: res.status, json };
}

async function must(label, promise, ok = [200, 201, 202]) {
  const answer = await promise;
  if (!ok.includes(answer.status)) throw new Error(`${label}: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer;
}

/** Makes `admin` the server's admin if the server has none yet (a fresh pouchdb-server). */
async function ensureAdmin(url, admin) {
  const session = await call(url, 'GET', '/_session');
  const party = session.json?.userCtx?.roles?.includes('_admin') && !session.json?.userCtx?.name;
  if (!party) return;
  // pouchdb-server's config path; Apache CouchDB 3 always has an admin from its install. A
  // session secret is kept in the config too, as CouchDB keeps its own, so a restart does not
  // sign everyone out.
  await must('setting the session secret', call(url, 'PUT', '/_config/couch_httpd_auth/secret', { body: randomBytes(32).toString('hex') }));
  await must('creating the server admin', call(url, 'PUT', `/_config/admins/${encodeURIComponent(admin.name)}`, { body: admin.password }));
}

async function putReplacing(url, path, body, auth) {
  const current = await call(url, 'GET', path, { auth });
  const rev = current.status === 200 ? current.json._rev : undefined;
  return must(`writing ${path}`, call(url, 'PUT', path, { auth, body: rev ? { ...body, _rev: rev } : body }));
}

export async function setupTeam({ url, admin, database, users }) {
  await ensureAdmin(url, admin);
  for (const user of users) {
    await putReplacing(url, `/_users/org.couchdb.user:${encodeURIComponent(user.name)}`, {
      _id: `org.couchdb.user:${user.name}`, name: user.name, password: user.password, roles: [], type: 'user',
    }, admin);
  }
  await must(`creating ${database}`, call(url, 'PUT', `/${encodeURIComponent(database)}`, { auth: admin }), [201, 202, 412]);
  await must('setting the members', call(url, 'PUT', `/${encodeURIComponent(database)}/_security`, {
    auth: admin,
    body: { admins: { names: [admin.name], roles: [] }, members: { names: users.map((u) => u.name), roles: [] } },
  }));
  const source = await readFile(new URL('./validate_doc_update.js', import.meta.url), 'utf8');
  const fn = source.split('\n').filter((line) => !line.startsWith('//')).join('\n').trim();
  await putReplacing(url, `/${encodeURIComponent(database)}/${DESIGN_ID}`, { _id: DESIGN_ID, validate_doc_update: fn }, admin);
}

function pair(text, what) {
  const at = text.indexOf(':');
  if (at < 1) throw new Error(`${what} must be name:password`);
  return { name: text.slice(0, at), password: text.slice(at + 1) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const opts = { url: 'http://127.0.0.1:5984', admin: null, database: 'team', users: [] };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1] || ''];
    if (flag === '--url') opts.url = value;
    else if (flag === '--admin') opts.admin = pair(value, '--admin');
    else if (flag === '--db') opts.database = value;
    else if (flag === '--user') opts.users.push(pair(value, '--user'));
    else { console.error(`unknown option ${flag}`); process.exit(2); }
  }
  if (!opts.admin || opts.users.length === 0) {
    console.error('usage: setup.mjs --url URL --admin name:password --db DATABASE --user name:password [--user …]');
    process.exit(2);
  }
  setupTeam(opts).then(
    () => console.log(`team database "${opts.database}" ready at ${opts.url} for ${opts.users.map((u) => u.name).join(', ')}`),
    (e) => { console.error(`setting up the team database failed: ${e.message}`); process.exit(1); },
  );
}
