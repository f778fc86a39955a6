// lighthouse.mjs: Lighthouse scores of the queue with the 200-case sample, from the built dist/, in Debian's Chromium.
// Usage: node scripts/lighthouse.mjs [desktop|mobile]   (after scripts/serve or scripts/test has built dist/)
// Not part of scripts/test: scores move with machine load, so they are recorded in the README instead.
import { chromium } from '@playwright/test';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { startServer, stopServer } from './static-server.mjs';

const preset = process.argv[2] === 'mobile' ? 'mobile' : 'desktop';
const debuggingPort = 9333;
const server = await startServer({ root: 'dist', port: 0 });
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [`--remote-debugging-port=${debuggingPort}`] });
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await page.getByRole('button', { name: /^Everything/ }).filter({ hasText: '200' }).waitFor();
  const result = await lighthouse(
    url,
    { port: debuggingPort, disableStorageReset: true, onlyCategories: ['performance', 'accessibility', 'best-practices'], output: 'json', logLevel: 'error' },
    preset === 'desktop' ? desktopConfig : undefined,
  );
  console.log(`Lighthouse ${result.lhr.lighthouseVersion}, ${preset} preset, ${url} with the sample:`);
  for (const category of Object.values(result.lhr.categories)) console.log(`  ${category.title}: ${Math.round(category.score * 100)}`);
  for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']) {
    console.log(`  ${result.lhr.audits[id].title}: ${result.lhr.audits[id].displayValue}`);
  }
} finally {
  await browser.close();
  await stopServer(server);
}
