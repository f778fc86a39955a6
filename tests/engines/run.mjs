// run.mjs: the cross-engine suite. Every scenario in scenarios.mjs, in every engine named on the
// command line (default: chromium firefox webkit), each in a fresh profile against dist/ on its own
// loopback server. A scenario fails on any thrown error, page error or console error.
// Usage: node tests/engines/run.mjs [chromium] [firefox] [webkit] [--only TEXT]
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopServer } from '../../scripts/static-server.mjs';
import { ENGINES, launch } from './drivers.mjs';
import { SCENARIOS } from './scenarios.mjs';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const engines = args.filter((a) => a in ENGINES);
const chosen = engines.length ? engines : Object.keys(ENGINES);
const SCENARIO_MS = 180_000;
// Screenshots a scenario takes (the queue at each width), kept for a person to look at.
const RESULTS = resolve(dirname(fileURLToPath(import.meta.url)), 'results');
await mkdir(RESULTS, { recursive: true });

async function serve() {
  let server = await startServer({ root: DIST, port: 0 });
  const port = server.address().port;
  return {
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    async stop() { if (server) await stopServer(server); server = null; },
    async start() { if (!server) server = await startServer({ root: DIST, port }); },
  };
}

async function runOne(engine, scenario) {
  const app = await serve();
  const dir = await mkdtemp(join(tmpdir(), 'ed-engines-'));
  const browser = await launch(engine);
  try {
    const page = await browser.newPage();
    let timer;
    const timeout = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`took over ${SCENARIO_MS / 1000} s`)), SCENARIO_MS); });
    let note;
    try {
      note = await Promise.race([scenario.run({ browser, page, app, dir, engine, results: RESULTS }), timeout]).finally(() => clearTimeout(timer));
    } catch (e) {
      // What the person would have seen when it failed: a rare failure must explain itself.
      const seen = await Promise.race([
        page.eval(() => `${location.href}\n${document.body?.innerText ?? ''}`),
        new Promise((done) => setTimeout(() => done('(the page did not answer within 5 s)'), 5000)),
      ]).catch((err) => `(the page could not be read: ${err.message})`);
      // Which on-demand parts the page had fetched, and whether a file input holds a file: the
      // two things a page stuck at "Loading…" or at an unanswered upload leaves no other trace of.
      const state = await Promise.race([
        page.eval(() => {
          const parts = performance.getEntriesByType('resource').map((r) => r.name.split('/').pop())
            .filter((n) => /^(split_|chunk_)/.test(n)).map((n) => n.replace(/-[0-9a-f]+\.wasm$/, ''));
          const inputs = [...document.querySelectorAll('input[type=file]')].map((i) => `#${i.id || '?'} ${i.files?.length ?? 0}`);
          // The app's own marks name the last stage a long task reached (loading the sample: code, made, stored, shown).
          const marks = performance.getEntriesByType('mark').map((m) => `${m.name} @${Math.round(m.startTime)} ms`);
          return `on-demand parts fetched: ${parts.join(' ') || 'none'}; files in file inputs: ${inputs.join(', ') || 'no file input'}\n      the app's marks: ${marks.join(', ') || 'none'}`;
        }),
        new Promise((done) => setTimeout(() => done('(the page did not answer within 5 s)'), 5000)),
      ]).catch((err) => `(the page could not be read: ${err.message})`);
      // Classic WebDriver (WebKit) has no console feed: read the errors the page kept so far.
      if (page.collectErrors) await Promise.race([page.collectErrors(), new Promise((done) => setTimeout(done, 5000))]).catch(() => {});
      await Promise.race([page.screenshot(join(RESULTS, `${engine}-failed-${scenario.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}.png`)), new Promise((done) => setTimeout(done, 5000))]).catch(() => {});
      const shown = String(seen).replace(/\s+\n/g, '\n').slice(-700).split('\n').join('\n        ');
      const errors = browser.errors.length ? `\n      errors in the page: ${browser.errors.join(' | ')}` : '';
      const where = String(e?.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join('\n      ');
      throw new Error(`${e?.message ?? e}\n      ${where}\n      the page showed:\n        ${shown}\n      ${state}${errors}`);
    }
    if (browser.errors.length) throw new Error(`errors in the page:\n      ${browser.errors.join('\n      ')}`);
    return note;
  } finally {
    await browser.close();
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

let passed = 0;
const failures = [];
for (const engine of chosen) {
  for (const scenario of SCENARIOS.filter((s) => !only || s.name.includes(only))) {
    const started = Date.now();
    // A browser that went away mid-scenario (its WebDriver session is gone: WebKitGTK's
    // MiniBrowser has, under CI load) says nothing about the app: the scenario runs once more in
    // a fresh profile, and the crash is printed either way. Any other failure fails at once.
    for (let attempt = 1; ; attempt++) {
      try {
        const note = await runOne(engine, scenario);
        passed += 1;
        console.log(`  ✓ ${engine.padEnd(8)} ${scenario.name} (${((Date.now() - started) / 1000).toFixed(1)} s)${note ? ` [${note}]` : ''}${attempt > 1 ? ' [passed again after the browser crashed]' : ''}`);
        break;
      } catch (e) {
        const message = String(e?.message ?? e);
        if (attempt === 1 && /invalid session id/.test(message)) {
          console.log(`  ↻ ${engine.padEnd(8)} ${scenario.name}: the browser crashed; running it again in a fresh profile\n      ${message}`);
          continue;
        }
        failures.push(`${engine}: ${scenario.name}`);
        console.log(`  ✘ ${engine.padEnd(8)} ${scenario.name}\n      ${message}`);
        break;
      }
    }
  }
}
console.log(`\n  ${passed} passed, ${failures.length} failed`);
if (failures.length) process.exit(1);
