// interactions.mjs: B4-B6 (a filter click, a search keystroke, an edit) measured two ways: the app's own measures, which end on the frame after the update and so snap to 16 ms frames, and the browser's Event Timing entries, whose processing end has sub-frame resolution.
//
// Event Timing (`PerformanceEventTiming`): `startTime` is the input's timestamp, `processingEnd`
// is when the event's handlers and every microtask they queued have run (Leptos updates the DOM
// in microtasks, so the DOM is up to date by then), and `duration` runs to the frame that shows
// it (rounded to 8 ms). The browser reports an entry only when its duration is at least 16 ms
// (the smallest `durationThreshold`), so an interaction shown within a frame may have no entry:
// each figure says how many of the interactions it covers. Leaving the fast ones out can only
// make a median look worse, never better.

/** Installed before any page script (with the bench's other observers). */
export const EVENT_TIMING_SCRIPT = `
  window.__events = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__events.push({ name: e.name, start: e.startTime, processingStart: e.processingStart, processingEnd: e.processingEnd, duration: e.duration });
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: false });
  } catch (e) { window.__eventTimingMissing = String(e); }
`;

// The events the app's measure starts from and answers in. A click alone: Playwright presses and
// releases the button in two steps, and the gap between them is the tool's, not the app's. A
// keystroke's keydown, keypress and input come from one key press (its keyup is a later step).
const CLICK = ['click'];
const KEYSTROKE = ['keydown', 'keypress', 'beforeinput', 'input'];

/** The page's clock now, so entries of the interaction that follows can be told apart. */
export const pageNow = (page) => page.evaluate(() => performance.now());

/**
 * The Event Timing of one interaction that began at or after `since` (page time) and whose
 * entries are named in `names`: processing from the first input's timestamp to the last
 * handler's end (sub-frame), and presentation to the frame that showed it. Waits for the
 * browser to deliver the entries (after the frame is presented); null when it reported none
 * within a second, meaning the whole interaction took under 16 ms.
 */
export async function interactionTiming(page, since, names) {
  const pick = (args) => {
    const entries = window.__events.filter((e) => e.start >= args.since && args.names.includes(e.name));
    if (entries.length === 0) return null;
    const start = Math.min(...entries.map((e) => e.start));
    return {
      processing: Math.max(...entries.map((e) => e.processingEnd)) - start,
      presented: Math.max(...entries.map((e) => e.start + e.duration)) - start,
      handlers: entries.reduce((sum, e) => sum + (e.processingEnd - e.processingStart), 0),
    };
  };
  try {
    await page.waitForFunction(pick, { since, names }, { timeout: 1000 });
  } catch {
    return null;
  }
  return page.evaluate(pick, { since, names });
}

/** Median and p95 of the interactions the browser reported, with how many of how many. */
export function timingSummary(summary, timings, field) {
  const reported = timings.filter(Boolean);
  return { ...summary(reported.map((t) => t[field])), reported: reported.length, of: timings.length };
}

/**
 * B4, B5 and B6 on a profile seeded with `size` cases: the app's measures (frame-snapped) and
 * Event Timing beside them. Returns the result fields.
 */
export async function benchInteractions({ page, url, runs, repeat, summary, settle, measureCount, nthMeasure }) {
  const out = {};
  await settle(page);
  const views = page.getByRole('navigation', { name: 'Saved views' });
  const filters = await repeat(runs, async (i) => {
    const before = await measureCount(page, 'filter');
    const since = await pageNow(page);
    await views.getByRole('button', { name: i % 2 ? /^Everything/ : /^P1/ }).click();
    const painted = await nthMeasure(page, 'filter', before + 1);
    return { painted, timing: await interactionTiming(page, since, CLICK) };
  });
  out.filter = summary(filters.map((f) => f.painted));
  out.filter_processing = timingSummary(summary, filters.map((f) => f.timing), 'processing');
  out.filter_presented = timingSummary(summary, filters.map((f) => f.timing), 'presented');
  await views.getByRole('button', { name: /^Everything/ }).click();

  const search = page.locator('#queue-search');
  const searches = await repeat(runs, async () => {
    await search.fill('');
    const samples = [];
    for (const letter of 'payout') {
      const before = await measureCount(page, 'search');
      const since = await pageNow(page);
      await search.press(letter);
      const painted = await nthMeasure(page, 'search', before + 1);
      samples.push({ painted, timing: await interactionTiming(page, since, KEYSTROKE) });
    }
    return samples;
  });
  out.search = summary(searches.map((s) => s.painted));
  out.search_processing = timingSummary(summary, searches.map((s) => s.timing), 'processing');
  out.search_presented = timingSummary(summary, searches.map((s) => s.timing), 'presented');
  await search.fill('');

  await page.goto(`${url}/cases/ESC-1001`);
  await settle(page);
  const edits = await repeat(runs, async (i) => {
    const before = await measureCount(page, 'edit');
    await page.getByRole('button', { name: 'Edit title' }).click();
    await page.getByLabel('Title', { exact: true }).fill(`Payout held at settlement bank, bench edit ${i}`);
    await page.getByLabel('Title', { exact: true }).press('Enter');
    const painted = await nthMeasure(page, 'edit', before + 1);
    const committed = await nthMeasure(page, 'edit-commit', before + 1);
    return { painted, committed };
  });
  // An edit shows after an IndexedDB commit, outside the keystroke's handlers, so Event Timing
  // cannot see it; its sub-frame figure is the commit, and "painted" is frame-snapped.
  out.edit_painted = summary(edits.map((e) => e.painted));
  out.edit_committed = summary(edits.map((e) => e.committed));
  return out;
}

/** The floor of the same measures on the baseline page: one click that changes one text node. */
export async function paintFloor({ page, runs, repeat, summary, measureCount, nthMeasure }) {
  const floors = await repeat(runs, async () => {
    const before = await measureCount(page, 'paint-floor');
    const since = await pageNow(page);
    await page.locator('#paint-floor').click();
    const painted = await nthMeasure(page, 'paint-floor', before + 1);
    return { painted, timing: await interactionTiming(page, since, CLICK) };
  });
  return {
    paint_floor: summary(floors.map((f) => f.painted)),
    paint_floor_processing: timingSummary(summary, floors.map((f) => f.timing), 'processing'),
    paint_floor_presented: timingSummary(summary, floors.map((f) => f.timing), 'presented'),
  };
}
