// lighthouse.mjs: Lighthouse scores of the built dist/ in Debian's Chromium, for a first visit and for a returning specialist whose profile really holds the 200-case sample.
// Usage: node scripts/lighthouse.mjs [desktop|mobile|both] [--runs=3]   (after scripts/serve or scripts/test has built dist/)
// Not part of scripts/test: scores move with machine load, so they are recorded in the README
// and tests/bench/lighthouse-results.json instead.
//
// Lighthouse drives the browser Playwright launched, over its debugging port, and opens its own
// tab in it. The browser runs on one persistent profile, so the sample the loader puts in
// IndexedDB (and the service worker it installs) is what Lighthouse's tab sees: an earlier
// version loaded the sample into a Playwright context Lighthouse did not share, and so audited
// an empty profile.
//   first visit: a new profile, and Lighthouse's own storage reset (caches, worker, IndexedDB);
//   returning:   the sample loaded, the worker installed and its cache filled, no reset; after
//                each run a page of the same profile checks the sample is still there.
import { chromium } from '@playwright/test';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, stopServer } from './static-server.mjs';

const which = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'both';
const presets = which === 'both' ? ['mobile', 'desktop'] : [which === 'mobile' ? 'mobile' : 'desktop'];
const runs = Number((process.argv.find((a) => a.startsWith('--runs=')) || '--runs=3').slice(7));
const debuggingPort = 9333;
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

/** A browser on a profile of its own, reachable by Lighthouse on the debugging port. */
async function openProfile() {
  const dir = mkdtempSync(join(tmpdir(), 'escalation-lighthouse-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [`--remote-debugging-port=${debuggingPort}`],
  });
  return { context, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** Whether a page of this profile shows the sample's 200 cases, or what it shows instead. */
async function everythingCount(context, url) {
  const page = await context.newPage();
  try {
    await page.goto(url);
    const everything = page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^Everything/ });
    const sample = await everything.filter({ hasText: '200' }).waitFor({ timeout: 30_000 }).then(() => true, () => false);
    return sample ? 200 : Number(((await everything.textContent()) || '').replace(/\D+/g, '')) || 0;
  } finally {
    await page.close();
  }
}

async function audit(url, preset, returning) {
  const result = await lighthouse(
    url,
    { port: debuggingPort, disableStorageReset: returning, onlyCategories: ['performance', 'accessibility', 'best-practices'], output: 'json', logLevel: 'error' },
    preset === 'desktop' ? desktopConfig : undefined,
  );
  const lhr = result.lhr;
  return {
    version: lhr.lighthouseVersion,
    scores: Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round(c.score * 100)])),
    metrics: Object.fromEntries(METRICS.map((id) => [id, id === 'cumulative-layout-shift' ? Math.round(lhr.audits[id].numericValue * 1000) / 1000 : Math.round(lhr.audits[id].numericValue)])),
  };
}

const server = await startServer({ root: 'dist', port: 0 });
const url = `http://127.0.0.1:${server.address().port}/`;
const report = { measured_at: new Date().toISOString(), runs, commit: 'unknown', presets: {} };
try {
  report.commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
} catch { /* not a checkout */ }
try {
  for (const preset of presets) {
    report.presets[preset] = {};
    for (const visit of ['first visit', 'returning with the sample']) {
      const returning = visit !== 'first visit';
      const samples = [];
      for (let run = 0; run < runs; run++) {
        const profile = await openProfile();
        try {
          if (returning) {
            const page = await profile.context.newPage();
            await page.goto(url);
            await page.getByRole('button', { name: 'Load sample data' }).click();
            await page.getByRole('button', { name: /^Everything/ }).filter({ hasText: '200' }).waitFor();
            // The service worker is active and has served the app once, as after a first day.
            await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
            await page.reload();
            await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
            await page.getByRole('button', { name: /^Everything/ }).filter({ hasText: '200' }).waitFor();
            await page.close();
          }
          const measured = await audit(url, preset, returning);
          if (returning) {
            measured.cases_seen_after = await everythingCount(profile.context, url);
            if (measured.cases_seen_after !== 200) throw new Error(`the profile Lighthouse audited shows ${measured.cases_seen_after} cases, not the sample's 200`);
          }
          samples.push(measured);
        } finally {
          await profile.close();
        }
      }
      const summary = {
        version: samples[0].version,
        scores: Object.fromEntries(Object.keys(samples[0].scores).map((id) => [id, median(samples.map((s) => s.scores[id]))])),
        metrics_ms: Object.fromEntries(METRICS.map((id) => [id, median(samples.map((s) => s.metrics[id]))])),
        performance_each_run: samples.map((s) => s.scores.performance),
      };
      report.presets[preset][visit] = summary;
      console.log(`Lighthouse ${summary.version}, ${preset} preset, ${visit}: median of ${runs}`);
      for (const [id, score] of Object.entries(summary.scores)) console.log(`  ${id}: ${score}`);
      console.log(`  performance in each run: ${summary.performance_each_run.join(', ')}`);
      for (const [id, ms] of Object.entries(summary.metrics_ms)) console.log(`  ${id}: ${id === 'cumulative-layout-shift' ? ms : `${ms} ms`}`);
    }
  }
} finally {
  await stopServer(server);
}
writeFileSync('tests/bench/lighthouse-results.json', `${JSON.stringify(report, null, 2)}\n`);
console.log('written to tests/bench/lighthouse-results.json');
