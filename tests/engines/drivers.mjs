// drivers.mjs: one small page API over three engines, so a cross-engine scenario is written once.
// Chromium and Firefox through puppeteer-core (CDP and WebDriver BiDi), WebKit (WebKitGTK's
// MiniBrowser) through classic W3C WebDriver under Xvfb. Every engine is Debian's own package.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import puppeteer from 'puppeteer-core';

const WAIT_MS = 20_000;

export const ENGINES = {
  chromium: { executable: '/usr/bin/chromium', kind: 'puppeteer' },
  firefox: { executable: '/usr/bin/firefox-esr', kind: 'puppeteer' },
  webkit: { executable: '/usr/bin/WebKitWebDriver', kind: 'webdriver' },
};

/** A fresh profile in `engine`: pages in it share storage, as tabs do. */
export async function launch(engine) {
  if (engine === 'webkit') return WebKitBrowser.launch();
  return PuppeteerBrowser.launch(engine);
}

/** Polls `check` (an async function) until it returns a truthy value, or fails naming `what`. */
export async function until(what, check, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`waited ${timeout / 1000} s for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Text in a page: `//…` is XPath, anything else CSS. */
function isXPath(selector) {
  return selector.startsWith('//') || selector.startsWith('(//');
}

class PuppeteerBrowser {
  static async launch(engine) {
    const profile = await mkdtemp(join(tmpdir(), `ed-${engine}-`));
    const firefox = engine === 'firefox';
    const browser = await puppeteer.launch({
      browser: firefox ? 'firefox' : 'chrome',
      executablePath: ENGINES[engine].executable,
      headless: true,
      protocol: firefox ? 'webDriverBiDi' : 'cdp',
      userDataDir: profile,
      // As root (a container, CI), Chromium refuses its sandbox; Playwright adds the same switch.
      args: firefox ? [] : ['--no-first-run', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    });
    return new PuppeteerBrowser(browser, profile);
  }

  constructor(browser, profile) {
    this.browser = browser;
    this.profile = profile;
    this.errors = [];
  }

  async newPage() {
    const page = await this.browser.newPage();
    page.on('pageerror', (e) => this.errors.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') this.errors.push(`console error: ${m.text()}`); });
    return new PuppeteerPage(page);
  }

  async close() {
    await this.browser.close().catch(() => {});
    await rm(this.profile, { recursive: true, force: true });
  }
}

class PuppeteerPage {
  constructor(page) {
    this.page = page;
  }

  locate(selector) {
    return isXPath(selector) ? `xpath/${selector}` : selector;
  }

  async goto(url) { await this.page.goto(url, { waitUntil: 'load' }); }
  async reload() { await this.page.reload({ waitUntil: 'load' }); }
  async eval(fn, ...args) { return this.page.evaluate(fn, ...args); }

  /** A person acts in the tab in front: a background tab gets no animation frames in Chromium,
   * and puppeteer's click waits for one. */
  async front() {
    await this.page.bringToFront();
  }

  async click(selector) {
    await this.front();
    const handle = await until(`${selector} to be shown`, () => this.page.$(this.locate(selector)));
    await handle.click();
  }

  async type(selector, text) {
    await this.front();
    const handle = await until(`${selector} to be shown`, () => this.page.$(this.locate(selector)));
    await handle.focus();
    await this.page.keyboard.type(text);
  }

  async resize(width, height) { await this.page.setViewport({ width, height }); }
  async screenshot(path) { await this.front(); await this.page.screenshot({ path }); }

  async upload(selector, path) {
    const handle = await until(`${selector} to be shown`, () => this.page.$(this.locate(selector)));
    await handle.uploadFile(path);
  }

  async close() { await this.page.close().catch(() => {}); }
}

/** Classic WebDriver over HTTP: the few commands the scenarios need. */
class WebKitBrowser {
  static async launch() {
    const display = await startXvfb();
    const port = await freePort();
    // WEBKIT_LOG=FILE keeps what WebKit's processes print (with JSC_* options set, the engine's own logs).
    const log = process.env.WEBKIT_LOG ? openSync(process.env.WEBKIT_LOG, 'a') : 'ignore';
    const driver = spawn('WebKitWebDriver', [`--port=${port}`], { env: { ...process.env, DISPLAY: display.name }, stdio: ['ignore', log, log] });
    const base = `http://127.0.0.1:${port}`;
    await until('WebKitWebDriver to answer', () => fetch(`${base}/status`).then((r) => r.ok).catch(() => false));
    const created = await wd(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': {
            binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
            args: ['--automation'],
          },
        },
      },
    });
    return new WebKitBrowser(base, created.sessionId, driver, display);
  }

  constructor(base, session, driver, display) {
    this.base = base;
    this.session = session;
    this.driver = driver;
    this.display = display;
    this.errors = [];
    this.pages = 0;
    this.current = null;
  }

  cmd(method, path, body) { return wd(this.base, method, `/session/${this.session}${path}`, body); }

  async newPage() {
    this.pages += 1;
    let handle;
    if (this.pages === 1) {
      handle = await this.cmd('GET', '/window');
    } else {
      handle = (await this.cmd('POST', '/window/new', { type: 'tab' })).handle;
    }
    return new WebKitPage(this, handle);
  }

  async close() {
    await this.cmd('DELETE', '').catch(() => {});
    this.driver.kill();
    this.display.stop();
  }
}

class WebKitPage {
  constructor(browser, handle) {
    this.browser = browser;
    this.handle = handle;
  }

  /** Every command first brings this page's window forward, so two pages can take turns. */
  async cmd(method, path, body) {
    if (this.browser.current !== this.handle) {
      await this.browser.cmd('POST', '/window', { handle: this.handle });
      this.browser.current = this.handle;
    }
    return this.browser.cmd(method, path, body);
  }

  async goto(url) { await this.cmd('POST', '/url', { url }); await this.collectErrors(); }
  async reload() { await this.cmd('POST', '/refresh', {}); await this.collectErrors(); }

  async eval(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve((${fn.toString()})(...Array.prototype.slice.call(arguments, 0, -1)))
        .then((value) => done({ ok: value === undefined ? null : value }), (e) => done({ error: String(e && e.stack || e) }));`;
    const result = await this.cmd('POST', '/execute/async', { script, args });
    if (result && 'error' in result) throw new Error(result.error);
    return result?.ok;
  }

  async element(selector) {
    const using = isXPath(selector) ? 'xpath' : 'css selector';
    const found = await until(`${selector} to be shown`, () => this.cmd('POST', '/element', { using, value: selector }).catch(() => null));
    return Object.values(found)[0];
  }

  async click(selector) { await this.cmd('POST', `/element/${await this.element(selector)}/click`, {}); }
  async type(selector, text) { await this.cmd('POST', `/element/${await this.element(selector)}/value`, { text }); }
  async upload(selector, path) { await this.type(selector, path); }

  /**
   * Sizes the window so the page itself (innerWidth) is `width` wide. The window manager applies
   * a size some time after WebDriver answers, so the page's width is read until it holds still;
   * a settled width that is wrong is asked for again with the frame (outer minus inner) of that
   * settled window added. Reading once right after the request measured the old window, and the
   * correction then overshot for good (a WebKit flake under Xvfb).
   */
  async resize(width, height) {
    let asked = false;
    let last = null;
    await until(`the window to make the page ${width} px wide`, async () => {
      const [inner, outer] = await this.eval(() => [window.innerWidth, window.outerWidth]);
      if (inner === width) return true;
      const settled = last !== null && last[0] === inner && last[1] === outer;
      last = [inner, outer];
      if (!asked || settled) {
        asked = true;
        last = null;
        await this.cmd('POST', '/window/rect', { width: width + Math.max(0, outer - inner), height });
      }
      return false;
    });
  }

  async screenshot(path) {
    const png = await this.cmd('GET', '/screenshot');
    await writeFile(path, Buffer.from(png, 'base64'));
  }

  /** WebDriver classic has no console feed; the boot script keeps the page's uncaught errors. */
  async collectErrors() {
    const errors = await this.eval(() => globalThis.__escalationDeskErrors ?? []).catch(() => []);
    for (const error of errors.map((e) => `page error: ${e}`)) if (!this.browser.errors.includes(error)) this.browser.errors.push(error);
  }

  async close() { await this.cmd('DELETE', '/window').catch(() => {}); }
}

async function wd(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${json?.value?.error ?? response.status} ${json?.value?.message ?? ''}`);
  return json.value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
    probe.on('error', reject);
  });
}

/** A private X display for MiniBrowser, which refuses to run headless. */
async function startXvfb() {
  for (let n = 90 + Math.floor(Math.random() * 100); ; n += 1) {
    const name = `:${n}`;
    const xvfb = spawn('Xvfb', [name, '-screen', '0', '2560x1600x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const exited = await new Promise((resolve) => { xvfb.once('exit', () => resolve(true)); setTimeout(() => resolve(false), 500); });
    if (!exited) return { name, stop: () => xvfb.kill() };
  }
}
