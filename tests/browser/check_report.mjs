// Checks a report page in headless Chromium, offline: every chart drawn as SVG, no errors, hover tooltips that
// show the sentences under the pointer, and Figure 5's category means with their intervals and its tests table.
//
//   node tests/browser/check_report.mjs <index.html> <screenshot.png> [--hover-screenshot <png>]
//
// Uses the system Chromium (CHROMIUM, default /usr/bin/chromium) through playwright-core; nothing is downloaded.
// Prints a JSON summary; exits 1 when a check fails, 2 on bad usage.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { checkOffline, runCheck } from './offline_page.mjs';

const READY_TIMEOUT_MS = 120_000;
const TOOLTIP_TIMEOUT_MS = 5_000;

function usage(message) {
  console.error(`${message}\nusage: node check_report.mjs <index.html> <screenshot.png> [--hover-screenshot <png>]`);
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  let hoverShot = null;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--hover-screenshot') hoverShot = argv[++k] ?? usage('--hover-screenshot needs a path');
    else positional.push(argv[k]);
  }
  if (positional.length !== 2) usage('expected a page and a screenshot path');
  const [page, shot] = positional.map((p) => path.resolve(p));
  if (!existsSync(page)) usage(`no such page: ${page}`);
  return { page, shot, hoverShot: hoverShot && path.resolve(hoverShot) };
}

/** Every chart container: drawn, and holding an SVG with real content. */
async function checkCharts(page) {
  return page.$$eval('.chart', (els) => els.map((el) => {
    const svg = el.querySelector('svg');
    return {
      id: el.id,
      rendered: el.dataset.rendered === 'true',
      svgElements: svg ? svg.querySelectorAll('path, rect, circle, text, polyline, polygon').length : 0,
    };
  }));
}

/**
 * Moves the mouse onto a data point, found with ECharts' own coordinate conversion, and returns the tooltip text
 * once it contains every expected string (or the last text seen). `locate` runs in the page and returns
 * {value: [x, y] in the chart's data coordinates, expect: [strings the tooltip must show]}.
 */
async function hover(page, chartId, locate, arg = null) {
  const { value, expect } = await page.evaluate(locate, arg);
  const point = await page.evaluate(([id, at]) => {
    const el = document.getElementById(id);
    el.scrollIntoView({ block: 'center' });
    const [x, y] = echarts.getInstanceByDom(el).convertToPixel({ xAxisIndex: 0, yAxisIndex: 0 }, at);
    const box = el.getBoundingClientRect();
    return { x: box.left + x, y: box.top + y };
  }, [chartId, value]);
  await page.mouse.move(point.x - 40, point.y - 40);
  await page.mouse.move(point.x, point.y, { steps: 8 });
  try {
    await page.waitForFunction(([id, strings]) => {
      const tip = document.querySelector(`#${id} .report-tooltip`);
      const squash = (s) => s.replace(/\s+/g, ' ').trim();
      return tip && getComputedStyle(tip).display !== 'none' && strings.every((s) => squash(tip.innerText).includes(squash(s)));
    }, [chartId, expect], { timeout: TOOLTIP_TIMEOUT_MS });
  } catch {
    // reported below, with the text the tooltip did show
  }
  const { text, markup } = await page.$eval(`#${chartId}`, (el) => {
    const tip = el.querySelector('.report-tooltip');
    // Sentence texts hold markup such as <b>: it must arrive as text, never as elements.
    return { text: tip ? tip.innerText : '', markup: tip ? tip.querySelectorAll('b, script').length : 0 };
  });
  // Layout may fold a sentence's line breaks and runs of spaces: compare texts with whitespace squashed.
  const squash = (s) => s.replace(/\s+/g, ' ').trim();
  const missing = expect.filter((s) => !squash(text).includes(squash(s)));
  return { chart: chartId, ok: missing.length === 0 && markup === 0, missing, markup, text };
}

// Runs in the page: the tallest of the first ten bars of the receiver-score chart, halfway up.
function receiverBar() {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const traceId = document.getElementById('sentence-trace')?.value ?? data.focus.traceId;
  const t = data.traces.find((x) => x.traceId === traceId);
  let k = 0;
  for (let i = 1; i < Math.min(10, t.receiverScore.length); i++) {
    if ((t.receiverScore[i] ?? -Infinity) > (t.receiverScore[k] ?? -Infinity)) k = i;
  }
  return { value: [k, (t.receiverScore[k] ?? 0) / 2], expect: [t.text[k]] };
}

// Runs in the page: a lower-triangle cell of a sentence × sentence matrix; the tooltip must show both sentences.
function matrixCell(which) {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const [matrix, traceId] = which === 'suppression'
    ? [data.suppression.normalised, data.suppression.traceId]
    : [data.focus.headMatrix, data.focus.traceId];
  const n = matrix.length;
  let i = Math.floor(n * 0.6);
  let j = Math.floor(n * 0.2);
  if (matrix[i][j] == null) [i, j] = [n - 1, 0];
  const t = data.traces.find((x) => x.traceId === traceId);
  const text = (index) => t.text[t.index.indexOf(index)];
  return { value: [j, i], expect: [text(i), text(j)] };
}

// Runs in the page: the mean of Figure 5's first category with an interval (else its first mean); the tooltip must
// name the category, the interval's level and the traces and problems behind it.
function categoryMean() {
  const c = JSON.parse(document.getElementById('report-data').textContent).categories;
  const shown = c.names.filter((name) => Object.values(c.perTrace[name] ?? {}).some((v) => v != null));
  const means = c.means.filter((m) => m.mean != null && shown.includes(m.category));
  const m = means.find((x) => x.ciLow != null && x.ciHigh != null) ?? means[0];
  const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return {
    value: [shown.indexOf(m.category), m.mean],
    expect: [m.category, `${Number((c.interval.level * 100).toPrecision(3))}% CI`,
      `${count(m.traces, 'trace')} of ${count(m.problems, 'problem')}`],
  };
}

/** Figure 5: one interval bar per category mean with bounds, and the tests table's Holm p and d_z columns. */
async function checkFigure5(page) {
  return page.evaluate(() => {
    const el = document.getElementById('fig5_receiver_score_by_category');
    const c = JSON.parse(document.getElementById('report-data').textContent).categories;
    const shown = c.names.filter((name) => Object.values(c.perTrace[name] ?? {}).some((v) => v != null));
    const withInterval = c.means.filter((m) => shown.includes(m.category) && m.mean != null && m.ciLow != null
      && m.ciHigh != null).length;
    const series = echarts.getInstanceByDom(el).getOption().series;
    const bars = series.find((s) => s.type === 'custom')?.data.length ?? 0;
    const means = series.find((s) => s.name === 'mean')?.data.length ?? 0;
    const headers = [...el.closest('figure').querySelectorAll('table.tests th')].map((th) => th.textContent);
    return { withInterval, bars, means, headers };
  });
}

// Runs in the page: the top receiver head's bar of the controls chart; the tooltip names the head and its controls.
function controlsBar() {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const h = data.controls.heads[0];
  const expect = [h.label, 'recency share'];
  if (data.controls.nullComputed) expect.push('null mean', 'z', 'p');
  return { value: [0, (h.meanKurtosis ?? 0) / 2], expect };
}

/** What the report page must show and do, once drawn. */
async function checkReport(args, page, summary, failures) {
  summary.charts = await checkCharts(page);
  summary.notComputed = await page.$$eval('.not-computed', (els) => els.map((e) => e.textContent));
  // docs/algorithms.md §12.9: with placebos, Figure 6B draws their curve and names it in its legend
  summary.placeboCurve = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('report-data').textContent);
    if (!data.suppression || !data.suppression.placeboByDistance) return null;
    const el = document.getElementById('fig6b_suppression_by_distance');
    return !!el && [...el.querySelectorAll('svg text')].some((t) => t.textContent === 'placebo mean');
  });

  if (summary.charts.length === 0) failures.push('the page has no chart containers');
  for (const c of summary.charts) {
    if (!c.rendered) failures.push(`chart ${c.id} has no data-rendered attribute`);
    if (c.svgElements < 5) failures.push(`chart ${c.id} has no drawn SVG (${c.svgElements} elements)`);
  }

  mkdirSync(path.dirname(args.shot), { recursive: true });
  await page.screenshot({ path: args.shot, fullPage: true });

  const ids = new Set(summary.charts.map((c) => c.id));
  summary.hovers = [];
  if (ids.has('sentence_receiver_scores')) {
    summary.hovers.push(await hover(page, 'sentence_receiver_scores', receiverBar));
    if (args.hoverShot) {
      const box = await page.$eval('#sentence_receiver_scores', (el) => el.getBoundingClientRect().toJSON());
      mkdirSync(path.dirname(args.hoverShot), { recursive: true });
      await page.screenshot({ path: args.hoverShot, clip: box });
    }
    // Another trace from the selector: the bars and their tooltips follow it.
    const second = await page.$eval('#sentence-trace', (s) => (s.options.length > 1 ? s.options[1].value : null));
    if (second) {
      await page.selectOption('#sentence-trace', second);
      const h = await hover(page, 'sentence_receiver_scores', receiverBar);
      summary.hovers.push({ ...h, chart: `${h.chart} (trace ${second})` });
    }
  }
  if (ids.has('fig4a_receiver_head_matrix')) {
    summary.hovers.push(await hover(page, 'fig4a_receiver_head_matrix', matrixCell, 'head'));
  }
  if (ids.has('fig6a_suppression_matrix')) {
    summary.hovers.push(await hover(page, 'fig6a_suppression_matrix', matrixCell, 'suppression'));
  }
  if (ids.has('fig5_receiver_score_by_category')) {
    summary.figure5 = await checkFigure5(page);
    const f = summary.figure5;
    if (f.bars !== f.withInterval) failures.push(`Figure 5 draws ${f.bars} interval bars for ${f.withInterval} intervals`);
    if (f.means === 0) failures.push('Figure 5 draws no category means');
    for (const column of ['p', 'Holm p', 'dz']) {
      if (!f.headers.includes(column)) failures.push(`Figure 5's tests table lacks the ${column} column: ${f.headers}`);
    }
    summary.hovers.push(await hover(page, 'fig5_receiver_score_by_category', categoryMean));
  }
  if (ids.has('head_controls')) {
    summary.hovers.push(await hover(page, 'head_controls', controlsBar));
  }
  for (const h of summary.hovers) {
    if (!h.ok) {
      failures.push(`hovering ${h.chart}: tooltip lacks ${JSON.stringify(h.missing)}`
        + `${h.markup ? ` and renders sentence markup as HTML (${h.markup} elements)` : ''}`
        + `; it shows ${JSON.stringify(h.text.slice(0, 300))}`);
    }
  }
  if (summary.placeboCurve === false) failures.push('Figure 6B lacks the placebo curve its data holds');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  await checkOffline(args.page, { name: 'report', readyTimeoutMs: READY_TIMEOUT_MS, summary: { screenshot: args.shot } },
    (page, summary, failures) => checkReport(args, page, summary, failures));
}

runCheck('report', main);
