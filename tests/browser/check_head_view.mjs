// Checks a `ta head-view` page in headless Chromium, offline: every head's matrix drawn as SVG, no errors, the
// tooltip of one cell, and what clicking one token of a head's text does to the per-token view.
//
//   node tests/browser/check_head_view.mjs <page.html> <screenshot.png> --hover H,Q,K --click H,I
//
// H is the head's index on the page, Q/K a cell's query and key token, I the token clicked in head H's text. Uses
// the system Chromium (CHROMIUM, default /usr/bin/chromium) through playwright-core; nothing is downloaded. Prints a
// JSON summary of what the page shows (the test compares it with an independent computation); exits 1 when the page
// fails to draw or makes a request, 2 on bad usage.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const READY_TIMEOUT_MS = 60_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function usage(message) {
  console.error(`${message}\nusage: node check_head_view.mjs <page.html> <screenshot.png> --hover H,Q,K --click H,I`);
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  const numbers = (s, count, name) => {
    const v = (s ?? '').split(',').map(Number);
    if (v.length !== count || v.some((x) => !Number.isInteger(x) || x < 0)) usage(`${name} takes ${count} indices`);
    return v;
  };
  let hover = null;
  let click = null;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--hover') hover = numbers(argv[++k], 3, '--hover');
    else if (argv[k] === '--click') click = numbers(argv[++k], 2, '--click');
    else positional.push(argv[k]);
  }
  if (positional.length !== 2 || !hover || !click) usage('expected a page, a screenshot path, --hover and --click');
  const [page, shot] = positional.map((p) => path.resolve(p));
  if (!existsSync(page)) usage(`no such page: ${page}`);
  return { page, shot, hover, click };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`no Chromium at ${executablePath}: run make browser (or set CHROMIUM)`);
    process.exit(1);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'head-view-chromium-'));
  const summary = { page: args.page, blockedRequests: [], consoleErrors: [], pageErrors: [] };
  const failures = [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 900 },
  });
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      summary.blockedRequests.push(url);
      return route.abort();
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') summary.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => summary.pageErrors.push(String(e)));
    const started = Date.now();
    await page.goto(pathToFileURL(args.page).href, { waitUntil: 'load' });
    try {
      await page.waitForFunction(() => window.__reportReady === true, null, { timeout: READY_TIMEOUT_MS });
    } catch {
      failures.push(`window.__reportReady was not set within ${READY_TIMEOUT_MS / 1000} s`);
    }
    summary.readyMs = Date.now() - started;
    summary.matrices = await page.$$eval('.matrix', (els) => els.map((el) => ({
      index: Number(el.dataset.index),
      rendered: el.dataset.rendered === 'true',
      cells: el.querySelectorAll('rect.cell').length,
      rowLabels: Array.from(el.querySelectorAll('text.row-label'), (t) => t.textContent),
      columnLabels: el.querySelectorAll('text.column-label').length,
    })));
    if (summary.matrices.length === 0) failures.push('the page has no matrix');
    for (const m of summary.matrices) if (!m.rendered) failures.push(`matrix ${m.index} was not drawn`);
    mkdirSync(path.dirname(args.shot), { recursive: true });
    await page.screenshot({ path: args.shot, fullPage: true });

    // Hover: the pointer onto the middle of one cell, as a reader's would move there.
    const [h, q, k] = args.hover;
    const cell = page.locator(`.matrix[data-index="${h}"] rect.cell[data-q="${q}"][data-k="${k}"]`);
    await cell.scrollIntoViewIfNeeded();
    const box = await cell.boundingBox();
    if (!box) {
      failures.push(`no cell (${q}, ${k}) in matrix ${h}`);
    } else {
      await page.mouse.move(box.x + box.width / 2 - 30, box.y + box.height / 2 - 30);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 6 });
      summary.hover = await page.$eval('#head-view-tooltip', (t) => ({ visible: !t.hidden, text: t.textContent }));
    }

    // Click: one token of head h's text becomes the query.
    const [ch, i] = args.click;
    const span = page.locator(`section.head[data-index="${ch}"] .token-text .tok[data-i="${i}"]`);
    await span.scrollIntoViewIfNeeded();
    await span.click();
    summary.click = await page.evaluate(([hh]) => {
      const section = document.querySelector(`section.head[data-index="${hh}"]`);
      const spans = Array.from(section.querySelectorAll('.token-text .tok'));
      const mark = section.querySelector('.matrix .row-mark');
      return {
        picker: Number(document.getElementById('query-token').value),
        query: spans.filter((s) => s.classList.contains('query')).map((s) => Number(s.dataset.i)),
        weights: spans.filter((s) => s.dataset.weight !== undefined)
          .map((s) => [Number(s.dataset.i), Number(s.dataset.weight), getComputedStyle(s).backgroundColor]),
        future: spans.filter((s) => s.classList.contains('future')).length,
        topKeys: section.querySelector('.top-keys').textContent,
        rowMarkY: Number(mark.getAttribute('y')),
        rowLabelQuery: Array.from(section.querySelectorAll('.matrix text.row-label.query'), (t) => Number(t.dataset.i)),
      };
    }, [ch]);
    // The row scale: the same text shaded by each weight's share of the row's largest.
    await page.check('#row-scale');
    summary.rowScaled = await page.evaluate(([hh]) => Array.from(
      document.querySelectorAll(`section.head[data-index="${hh}"] .token-text .tok[data-weight]`),
      (s) => [Number(s.dataset.i), getComputedStyle(s).backgroundColor]), [ch]);
    summary.reportErrors = await page.evaluate(() => window.__reportErrors ?? ['window.__reportErrors is missing']);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  if (summary.blockedRequests.length) failures.push(`the page made ${summary.blockedRequests.length} network requests`);
  for (const e of summary.consoleErrors) failures.push(`console error: ${e}`);
  for (const e of summary.pageErrors) failures.push(`page error: ${e}`);
  for (const e of summary.reportErrors ?? []) failures.push(`report error: ${e}`);
  summary.failures = failures;
  summary.ok = failures.length === 0;
  console.log(JSON.stringify(summary, null, 2));
  if (!summary.ok) {
    console.error(`head view check FAILED:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`head view check FAILED: ${e.stack || e}`);
  process.exit(1);
});
