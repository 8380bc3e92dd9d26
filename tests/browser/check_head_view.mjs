// Checks a `ta head-view` page in headless Chromium, offline: every head's matrix drawn as SVG, no errors, the
// tooltip of one cell, and what clicking one token of a head's text does to the per-token view.
//
//   node tests/browser/check_head_view.mjs <page.html> <screenshot.png> --hover H,Q,K --click H,I
//
// H is the head's index on the page, Q/K a cell's query and key token, I the token clicked in head H's text. Uses
// the system Chromium (CHROMIUM, default /usr/bin/chromium) through playwright-core; nothing is downloaded. Prints a
// JSON summary of what the page shows (the test compares it with an independent computation); exits 1 when the page
// fails to draw or makes a request, 2 on bad usage.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { checkOffline, runCheck } from './offline_page.mjs';

const READY_TIMEOUT_MS = 60_000;

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

/** What the head view must show and do, once drawn. */
async function checkHeadView(args, page, summary, failures) {
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
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  await checkOffline(args.page, { name: 'head view', readyTimeoutMs: READY_TIMEOUT_MS },
    (page, summary, failures) => checkHeadView(args, page, summary, failures));
}

runCheck('head view', main);
