// files.mjs: evidence files in headless Chromium: attaching a 10 MB file (beside a raw floor doing the same work: read, SHA-256, one IndexedDB put), and the tab's memory while a bundle carrying 100 MB of files is exported and imported. Run by scripts/bench after bench.mjs; writes tests/bench/files-results.json.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopServer } from '../../scripts/static-server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
};
const RUNS = Number(option('runs', '7'));
const OUT = resolve(option('out', join(HERE, 'files-results.json')));
const MB = 1024 * 1024;
const TIMEOUT = 10 * 60_000;

const round = (x) => Math.round(x * 10) / 10;
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: round(at(0.5)), p95: round(at(0.95)), runs: values.length };
}

/** Resident memory of every Chromium renderer process, in MB: the tab as the system sees it (JS heap, ArrayBuffers, wasm memory, Blob storage held in memory). */
function rendererRssMb() {
  const out = execFileSync('ps', ['-eo', 'rss=,args=']).toString();
  let kb = 0;
  for (const line of out.split('\n')) {
    if (line.includes('--type=renderer')) kb += Number(line.trim().split(/\s+/)[0]) || 0;
  }
  return kb / 1024;
}

/** Samples renderer memory every 50 ms while `work` runs; returns the peak and what `work` returned. */
async function peakDuring(work) {
  let peak = rendererRssMb();
  const timer = setInterval(() => { peak = Math.max(peak, rendererRssMb()); }, 50);
  try {
    const value = await work();
    peak = Math.max(peak, rendererRssMb());
    return { peak, value };
  } finally {
    clearInterval(timer);
  }
}

async function profile() {
  const dir = mkdtempSync(join(tmpdir(), 'escalation-files-bench-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, acceptDownloads: true });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(TIMEOUT);
  return { page, context, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function newCase(page, url, title) {
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'New case' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Account').fill('Kopi Collective');
  await page.getByLabel('Contact email').fill('ops@kopi.example');
  await page.getByRole('button', { name: 'Create case' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
}

/**
 * Attach: from the input's `change` event (the file chosen; Playwright's own transfer of the
 * bytes into the page comes before it and is not counted) to the frame after its row appears.
 */
async function attachOnce(page, name, bytes) {
  await page.evaluate(() => {
    window.__chosenAt = null;
    document.addEventListener('change', () => { window.__chosenAt = performance.now(); }, { capture: true, once: true });
  });
  await page.locator('.files-panel').getByLabel('Attach files').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
  await page.locator('.files-panel .file-name', { hasText: name }).waitFor();
  return page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(performance.now() - window.__chosenAt))));
}

/** The raw floor: the same bytes hashed by WebCrypto and put in an IndexedDB store in one transaction. */
async function rawAttachOnce(page, bytes) {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const file = new File([bytes], 'x.bin');
    const db = await new Promise((ok, fail) => {
      const open = indexedDB.open('bench-raw-files', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('files');
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    const t0 = performance.now();
    const buffer = await file.arrayBuffer();
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))].map((x) => x.toString(16).padStart(2, '0')).join('');
    await new Promise((ok, fail) => {
      const tx = db.transaction('files', 'readwrite');
      tx.objectStore('files').put(buffer, hash + Math.random());
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
    const took = performance.now() - t0;
    db.close();
    return took;
  }, bytes.toString('base64'));
}

const dist = join(ROOT, 'dist');
const server = await startServer({ root: dist, port: 0 });
const url = `http://127.0.0.1:${server.address().port}`;
const results = { measured_at: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0] && cpus()[0].model } };
try {
  // Attach 10 MB: a new file each run (the same bytes would be refused as already on the case).
  {
    const { page, close } = await profile();
    await newCase(page, url, 'Attach benchmark');
    const app = [];
    const raw = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const bytes = randomBytes(10 * MB);
      const a = await attachOnce(page, `statement-${i}.bin`, bytes);
      const r = await rawAttachOnce(page, bytes);
      if (i > 0) { app.push(a); raw.push(r); } // the first run warms up
    }
    const appSummary = summary(app);
    const rawSummary = summary(raw);
    results.attach_10mb = { app_ms: appSummary, raw_floor_ms: rawSummary, ratio_median: round(appSummary.median / rawSummary.median), method: 'app: the input\'s change event to the frame after the file row appears (includes the free-space check, SHA-256 in wasm over 4 MB slices, reading the case\'s files and one transaction for case, event, bytes and reference); floor: File.arrayBuffer + crypto.subtle.digest + one IndexedDB put, in the same page' };
    await close();
  }
  // 100 MB carried: five 20 MB files on one case, exported with the files and imported into a fresh profile.
  {
    const files = Array.from({ length: 5 }, (_, i) => ({ name: `evidence-${i}.bin`, bytes: randomBytes(20 * MB) }));
    const { page, close } = await profile();
    const key = await newCase(page, url, 'Memory benchmark');
    for (const f of files) await attachOnce(page, f.name, f.bytes);
    await page.getByRole('link', { name: 'Data' }).click();
    await page.getByLabel(/^Chosen cases/).check();
    await page.getByLabel('Case keys').fill(key);
    await page.getByLabel(/^Include the attached files/).check();
    await page.getByText(/^Adds 5 file\(s\)/).waitFor();
    const before = rendererRssMb();
    const exported = await peakDuring(async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
      // Saved outside the profile: a download's own file goes with its browser.
      const saved = join(mkdtempSync(join(tmpdir(), 'escalation-files-bundle-')), 'carrying.json');
      await download.saveAs(saved);
      return saved;
    });
    const text = readFileSync(exported.value);
    results.export_100mb = { bundle_mb: round(text.length / MB), renderer_before_mb: round(before), renderer_peak_mb: round(exported.peak), growth_mb: round(exported.peak - before) };
    await close();

    const fresh = await profile();
    await fresh.page.goto(`${url}/data`);
    await fresh.page.getByRole('heading', { name: 'Snapshots' }).waitFor();
    const idle = rendererRssMb();
    const imported = await peakDuring(async () => {
      await fresh.page.getByLabel('Choose a bundle file').setInputFiles(exported.value);
      await fresh.page.getByText('Carries 5 attached file(s)').waitFor();
      await fresh.page.getByRole('button', { name: 'Import', exact: true }).click();
      await fresh.page.getByText(/5 attached file\(s\) stored/).waitFor();
    });
    const after = rendererRssMb();
    results.import_100mb = { renderer_before_mb: round(idle), renderer_peak_mb: round(imported.peak), growth_mb: round(imported.peak - idle), renderer_after_mb: round(after), method: 'sum of Chromium renderer RSS sampled every 50 ms, from the idle Data page to the import message' };
    await fresh.close();
    rmSync(dirname(exported.value), { recursive: true, force: true });
  }
} finally {
  await stopServer(server);
}
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
