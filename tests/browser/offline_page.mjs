// One of the project's pages opened in headless Chromium, offline, for the page checks (check_report.mjs,
// check_head_view.mjs): the system Chromium (CHROMIUM, default /usr/bin/chromium) through playwright-core, nothing
// downloaded; every request that is not for a local file blocked and counted; console errors, page errors and the
// page's own window.__reportErrors collected; the check itself runs once the page sets window.__reportReady.
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Opens `pagePath`, waits up to `readyTimeoutMs` for it to draw, runs `check(page, summary, failures)`, then prints
 * the JSON summary and exits 1 if anything failed (the check's failures, a request, an error). `name` names the
 * check in its failure line.
 */
export async function checkOffline(pagePath, { name, readyTimeoutMs, summary: extra = {} }, check) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`no Chromium at ${executablePath}: run make browser (or set CHROMIUM)`);
    process.exit(1);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'page-check-chromium-'));
  const summary = { page: pagePath, ...extra, blockedRequests: [], consoleErrors: [], pageErrors: [] };
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
    await page.goto(pathToFileURL(pagePath).href, { waitUntil: 'load' });
    try {
      await page.waitForFunction(() => window.__reportReady === true, null, { timeout: readyTimeoutMs });
    } catch {
      failures.push(`window.__reportReady was not set within ${readyTimeoutMs / 1000} s`);
    }
    summary.readyMs = Date.now() - started;
    await check(page, summary, failures);
    // Errors while the check used the page count too.
    summary.reportErrors = await page.evaluate(() => window.__reportErrors ?? ['window.__reportErrors is missing']);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  if (summary.blockedRequests.length) failures.push(`the page made ${summary.blockedRequests.length} network requests`);
  for (const e of summary.consoleErrors) failures.push(`console error: ${e}`);
  for (const e of summary.pageErrors) failures.push(`page error: ${e}`);
  for (const e of summary.reportErrors ?? []) failures.push(`report error: ${e}`);
  summary.blocked = summary.blockedRequests.length;
  summary.failures = failures;
  summary.ok = failures.length === 0;
  console.log(JSON.stringify(summary, null, 2));
  if (!summary.ok) {
    console.error(`${name} check FAILED:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

/** Runs a check's main, an exception being a failed check (exit 1). */
export function runCheck(name, main) {
  main().catch((e) => {
    console.error(`${name} check FAILED: ${e.stack || e}`);
    process.exit(1);
  });
}
