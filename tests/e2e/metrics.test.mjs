// tests/e2e/metrics.test.mjs - browser end-to-end test of what the team
// learns from its cases: the turnaround dashboard (/metrics/dashboard) with
// its phase table, server-drawn SVG charts, period links, from/to form and
// CSV export; the training report (/training) with its weakness table,
// charts and anonymised examples (no reporter address anywhere); and the
// post-mortem of a released case on its page: closing is refused without
// one, the form keeps what was typed when a field is refused, and once it
// is saved the case closes.
//
//   VIGIL=build/vigil node --test tests/e2e/metrics.test.mjs
//   E2E_SCREENSHOTS=/tmp/shots VIGIL=... node --test tests/e2e/   (+ screenshots)
//
// The test starts its own server (`vigil serve`) on a fresh SQLite
// database holding two years of generated history (`vigil migrate`, then
// `vigil demo --history 1500`) plus a release manager's account and API
// token, with the repository root as the working directory, and stops it
// at the end.  The sqlite3 tool only reads (to know what the history
// holds).  Every scenario fails on a browser console error it did not
// provoke on purpose, an uncaught page error, a CSP violation
// ('securitypolicyviolation'), a JavaScript dialog or any HTTP response
// >= 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PASSWORD, dbFile, server, serverLog, useVigil, run, vigil, addUser, createToken,
  expectStatus, newPage, screenshot, submit, signIn, apiRequest } from './harness.mjs';

const HISTORY = 1500;		// generated cases
const RM = { email: 'rm@example.org', name: 'Rhea Release', role: 'release_manager' };
// The seven phases of the dashboard, in order (src/report/turnaround.c).
const PHASES = ['ack', 'triage', 'fix', 'test', 'verify', 'release', 'total'];
const CSV_HEADER = 'group_by,group,phase,cases,median_seconds,p90_seconds,' +
  'median_days,p90_days';
// A figure as the pages print it: plain decimal digits (no exponent).
const NUMBER = /^\d+(\.\d+)?$/;
const PERCENT = /^\d+(\.\d+)?%$/;

let ctx = null;			// the release manager's signed-in browser context
let token = '';			// the release manager's API token

// ---- helpers ---------------------------------------------------------------

// One value from the database (read-only).
async function sqlValue(query) {
  return (await run('sqlite3', ['-readonly', '-cmd', '.timeout 5000', dbFile, query])).trim();
}

// Opens pathname as the release manager in a new watched page (200).
async function open(pathname, opts) {
  const { page, w } = await newPage(ctx, opts);
  const res = await page.goto(pathname);
  assert.equal(res.status(), 200, `GET ${pathname}`);
  return { page, w };
}

// Ends a scenario: its screenshot, the watcher's verdict, the page closed.
async function finish(page, w, shot) {
  if (shot)
    await screenshot(page, shot);
  await w.check();
  await page.close();
}

// Follows a link or a GET form's button and waits for the page it loads.
async function follow(page, locator) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() &&
      r.request().method() === 'GET'),
    locator.click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return res;
}

function api(method, pathname, body) {
  return apiRequest(token, method, pathname, body);
}

async function apiOk(method, pathname, want = 200) {
  const r = await api(method, pathname);
  assert.equal(r.status, want, `${method} ${pathname}: ${r.text}`);
  return r.json;
}

// The cells of a table's body rows, as trimmed text.
function tableCells(page, selector) {
  return page.locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((tr) =>
    [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
}

// The phase table checked against the API's figures for the same period.
async function checkPhaseTable(page, query) {
  const m = await apiOk('GET', `/api/v1/metrics/turnaround?${query}`);
  const rows = page.locator('#phase-table tbody tr[data-phase]:not([data-phase="researcher"])');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.phase)),
    PHASES, 'the seven phases, in order');
  const cells = await rows.evaluateAll((trs) => trs.map((tr) =>
    [...tr.querySelectorAll('td')].map((c) => c.textContent.trim())));
  cells.forEach(([count, median, p90], i) => {
    const want = m.phases[i];
    assert.equal(want.phase, PHASES[i]);
    assert.equal(Number(count), want.count, `cases of phase ${PHASES[i]}`);
    if (want.count === 0)
      return;
    assert.match(median, NUMBER, `median of phase ${PHASES[i]} is a number`);
    assert.match(p90, NUMBER, `90th percentile of phase ${PHASES[i]} is a number`);
    assert.equal(Number(median), want.median_days, `median of phase ${PHASES[i]}`);
    assert.equal(Number(p90), want.p90_days, `90th percentile of phase ${PHASES[i]}`);
  });
  assert.match(await page.locator('main').innerText(), new RegExp(`\\(${m.cases} cases\\)`));
  return m;
}

// A chart drawn by the server: one inline <svg> with `n` bars or more.
async function checkBars(page, id, n = 1) {
  const svg = page.locator(`#${id} > svg`);
  assert.equal(await svg.count(), 1, `#${id} holds one svg`);
  assert.ok((await svg.getAttribute('aria-label'))?.length > 0, `#${id} svg has a label`);
  const bars = await svg.locator('rect.chart-bar').count();
  assert.ok(bars >= n, `#${id}: ${bars} bars, want at least ${n}`);
  const box = await svg.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, `#${id} is drawn (${JSON.stringify(box)})`);
}

// A scenario whose failure, when the server died under it, carries what the
// server printed last (a sanitizer report, say).
function scenario(name, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (e) {
      if (server && (server.exitCode !== null || server.signalCode !== null))
        e.message += `\nvigil serve exited (code ${server.exitCode}, signal ` +
          `${server.signalCode}); its last output:\n${serverLog.slice(-6000)}`;
      throw e;
    }
  });
}

// ---- server and browser ------------------------------------------------------

useVigil({
  name: 'metrics',
  stepTimeout: 15_000,		// ms, any single wait (the pages read 1500 cases)
  commandTimeout: 60_000,	// ms, a command (vigil demo --history 1500, say)
  contextOptions: { acceptDownloads: true },
  async seed() {
    await vigil(['migrate']);
    const out = await vigil(['demo', '--history', String(HISTORY)]);
    assert.match(out, new RegExp(`history: ${HISTORY} cases`), `vigil demo --history:\n${out}`);
    await addUser(RM, PASSWORD);
    token = await createToken(RM.email);
  },
  async ready() {
    ctx = await signIn(RM.email, PASSWORD, 'the release manager');
  },
});

// ---- scenarios ---------------------------------------------------------------

scenario('1. the dashboard shows two years of phases with charts', async () => {
  const { page, w } = await open('/metrics/dashboard?period=two_years');
  assert.equal(await page.locator('h1').innerText(), 'Turnaround');
  const m = await checkPhaseTable(page, 'period=two_years');
  assert.ok(m.cases >= HISTORY, `${m.cases} cases in two years, want the ${HISTORY} generated`);
  for (const [i, p] of m.phases.entries())
    assert.ok(p.count > 0, `phase ${PHASES[i]} has cases in two years of history`);
  assert.equal(await page.locator('nav.periods a[aria-current="page"]').innerText(), 'Two years');
  await checkBars(page, 'chart-phases', 6);		// median and p90 per phase
  await checkBars(page, 'chart-channels', 6);	// per phase and channel
  await checkBars(page, 'chart-severity', 2);
  // web form against e-mail: both channels have cases and clarification figures
  const clar = await tableCells(page, '#clarification-table');
  const channels = clar.map((r) => r[0]);
  assert.ok(channels.includes('web') && channels.includes('email'), `channels ${channels}`);
  for (const r of clar)
    for (const c of r.slice(1))
      assert.match(c, NUMBER, `clarification figures of ${r[0]}`);
  await finish(page, w, '1-dashboard');
});

scenario('2. the period links and the from/to form choose the period', async () => {
  const { page, w } = await open('/metrics/dashboard?period=two_years');
  const twoYearsFrom = await page.locator('#period-from').innerText();

  let res = await follow(page, page.locator('nav.periods').getByRole('link', { name: 'Last 12 months' }));
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).searchParams.get('period'), 'last_12_months');
  assert.equal(await page.locator('nav.periods a[aria-current="page"]').innerText(), 'Last 12 months');
  const from12 = await page.locator('#period-from').innerText();
  assert.ok(from12 > twoYearsFrom, `last 12 months start ${from12}, after ${twoYearsFrom}`);
  await checkPhaseTable(page, 'period=last_12_months');

  res = await follow(page, page.locator('nav.periods').getByRole('link', { name: 'Last quarter' }));
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('nav.periods a[aria-current="page"]').innerText(), 'Last quarter');
  await checkPhaseTable(page, 'period=last_quarter');

  // from/to: the first half of last year
  const year = new Date().getUTCFullYear() - 1;
  const from = `${year}-01-01`;
  const to = `${year}-06-30`;
  await page.fill('#p-from', from);
  await page.fill('#p-to', to);
  res = await follow(page, page.locator('form.period-form').getByRole('button', { name: 'Show' }));
  assert.equal(res.status(), 200);
  const u = new URL(page.url());
  assert.equal(u.pathname, '/metrics/dashboard');
  assert.equal(u.searchParams.get('from'), from);
  assert.equal(u.searchParams.get('to'), to);
  assert.equal(await page.locator('#period-from').innerText(), from);
  assert.equal(await page.locator('#period-to').innerText(), to);
  assert.equal(await page.locator('#p-from').inputValue(), from, 'the form keeps the dates');
  assert.equal(await page.locator('#p-to').inputValue(), to);
  assert.equal(await page.locator('nav.periods a[aria-current="page"]').count(), 0,
    'no preset is current for a chosen period');
  assert.equal(await page.locator('#period-error').count(), 0);
  const m = await checkPhaseTable(page, `from=${from}&to=${to}`);
  assert.ok(m.cases > 0, 'the history has cases in the first half of last year');
  await checkBars(page, 'chart-phases', 6);
  assert.equal(await page.locator('#csv-link').getAttribute('href'),
    `/metrics/turnaround.csv?from=${from}&to=${to}`, 'the CSV link follows the period');
  await finish(page, w, '2-from-to');
});

scenario('3. the CSV link downloads the turnaround as CSV', async () => {
  const { page, w } = await open('/metrics/dashboard?period=two_years');
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#csv-link').click(),
  ]);
  assert.match(dl.suggestedFilename(), /^turnaround-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
  assert.equal(await dl.failure(), null);
  const text = (await readFile(await dl.path(), 'utf8')).replace(/^\uFEFF/, '');
  const lines = text.split('\r\n');
  assert.equal(lines.pop(), '', 'rows end with CR LF');
  assert.equal(lines[0], CSV_HEADER);
  const rows = lines.slice(1).map((l) => l.split(','));
  for (const r of rows)
    assert.equal(r.length, 8, `CSV row ${r.join(',')}`);
  // the overall rows agree with the phase table
  const all = rows.filter((r) => r[0] === 'all');
  assert.deepEqual(all.map((r) => r[2]), PHASES);
  const counts = await page.locator('#phase-table tbody tr[data-phase]:not([data-phase="researcher"]) td:first-of-type')
    .allInnerTexts();
  assert.deepEqual(all.map((r) => r[3]), counts.map((c) => c.trim()));
  for (const by of ['severity', 'channel', 'product'])
    assert.ok(rows.some((r) => r[0] === by), `CSV rows grouped by ${by}`);
  await finish(page, w);
});

scenario('4. the training report renders without a reporter address', async () => {
  // The generated reporters write from example.net: some of them reported
  // cases that have a post-mortem in the period.
  const reporters = Number(await sqlValue("SELECT count(*) FROM post_mortems p JOIN " +
    "cases c ON c.id = p.case_id WHERE c.reporter_email LIKE '%@example.net'"));
  assert.ok(reporters > 0, 'the history has post-mortems of example.net reporters');

  const { page, w } = await open('/training?period=two_years');
  assert.equal(await page.locator('h1').innerText(), 'Training report');
  const t = await apiOk('GET', '/api/v1/training?period=two_years');

  const weak = await tableCells(page, '#weakness-table');
  assert.ok(weak.length >= 5, `${weak.length} weaknesses`);
  for (const [name, count, share] of weak) {
    assert.match(name, /^CWE-\d+ \S/, 'a weakness is a CWE with its name');
    assert.match(count, /^\d+$/, `cases of ${name}`);
    assert.match(share, PERCENT, `share of ${name}`);
  }
  const counts = weak.map((r) => Number(r[1]));
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'top weaknesses first');
  for (const sel of ['#practice-table', '#component-table'])
    for (const [name, count, share] of await tableCells(page, sel)) {
      assert.match(count, /^\d+$/, `${sel}: cases of ${name}`);
      assert.match(share, PERCENT, `${sel}: share of ${name}`);
    }

  await checkBars(page, 'chart-weaknesses', weak.length);
  await checkBars(page, 'chart-practices', 5);
  const trends = page.locator('#chart-trends > svg');
  assert.equal(await trends.count(), 1, '#chart-trends holds one svg');
  assert.ok(await trends.locator('polyline.chart-line').count() >= 1, 'trend lines');
  assert.ok(await page.locator('#quarter-table tbody tr').count() >= 8,
    'two years have eight quarters or more');

  // examples for a course: at least one, complete, and anonymous
  const examples = page.locator('#h-examples ~ article.example');
  assert.ok(await examples.count() >= 1, 'at least one example article');
  const first = examples.first().locator('.example-item').first();
  for (const h of ['What went wrong', 'How it was fixed', 'Lessons'])
    assert.equal(await first.getByRole('heading', { name: h }).count(), 1, `example: ${h}`);
  for (const p of await first.locator('p.pre').allInnerTexts())
    assert.ok(p.trim().length > 0, 'example texts are filled in');
  const exText = await page.locator('section[aria-labelledby="h-examples"]').innerText();
  assert.doesNotMatch(exText, /\bVR-\d{4}-\d+/, 'no case number in the examples');

  // no reporter address anywhere: text, markup, or the JSON
  const body = await page.locator('body').innerText();
  assert.doesNotMatch(body, /@example\.net/i, 'a reporter address in the training page text');
  assert.doesNotMatch(await page.content(), /@example\.net/i, 'a reporter address in the markup');
  assert.doesNotMatch(JSON.stringify(t), /@example\.net/i, 'a reporter address in /api/v1/training');

  await finish(page, w, '4-training');
});

scenario('5. a released case closes only with its post-mortem', async () => {
  // A released case of the history without a post-mortem.
  const list = await apiOk('GET', '/api/v1/cases?state=released');
  let tid = '';
  for (const c of list.cases) {
    if ((await api('GET', `/api/v1/cases/${c.tracking_id}/postmortem`)).status === 404) {
      tid = c.tracking_id;
      break;
    }
  }
  assert.ok(tid, `no released case without a post-mortem among ${list.cases.length}`);
  const casePath = `/cases/${tid}`;
  const { page, w } = await open(casePath, {
    allow: (m) => expectStatus(409, `${casePath}/transition`)(m) ||
      expectStatus(422, `${casePath}/postmortem`)(m) });
  assert.equal((await page.locator('#state').innerText()).trim(), 'Released');
  await page.locator('#postmortem-missing').waitFor();

  // Close before the post-mortem: refused, the case stays released.
  let res = await submit(page, page.locator('#t-closed'), 'Close', `${casePath}/transition`);
  assert.equal(res.status(), 409);
  assert.match(await page.locator('#actions').innerText(),
    /Write the post-mortem before closing the case\./);
  assert.equal((await page.locator('#state').innerText()).trim(), 'Released');
  await screenshot(page, '5-close-refused');

  // The form without a component: refused beside the field, the rest kept.
  const form = page.locator('#postmortem-form');
  if (!(await page.locator('#postmortem-details').evaluate((d) => d.open)))
    await page.locator('#postmortem-details > summary').click();
  const typed = {
    '#pm-cwe': 'CWE-787',
    '#pm-introduced': 'v2.3.0 (commit 4f1c2e9)',
    '#pm-how': 'external researcher report',
    '#pm-regression': '',
    '#pm-root': 'The record parser copied a length taken from the input.',
    '#pm-fix': 'The length is checked against the destination buffer.',
    '#pm-lessons': 'Fuzz the record parser in CI.',
    '#pm-tags': 'memory-safety, parsing',
  };
  for (const [sel, v] of Object.entries(typed))
    await form.locator(sel).fill(v);
  await form.locator('#pm-component').fill('');
  await form.locator('#pm-practice').selectOption('fuzzing');
  await form.locator('input[name="reissued"][value="no"]').check();
  await page.evaluate(() => document.querySelector('#pm-component').removeAttribute('required'));
  res = await submit(page, form, 'Save the post-mortem', `${casePath}/postmortem`);
  assert.equal(res.status(), 422);
  assert.match(await page.locator('#pm-component-err').innerText(), /component/i);
  assert.equal(await page.locator('#pm-component').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.locator('#postmortem-details').evaluate((d) => d.open),
    'the refused form is open');
  for (const [sel, v] of Object.entries(typed))
    assert.equal(await page.locator(sel).inputValue(), v, `typed value of ${sel} kept`);
  assert.equal(await page.locator('#pm-practice').inputValue(), 'fuzzing');
  assert.ok(await page.locator('input[name="reissued"][value="no"]').isChecked());
  assert.equal((await api('GET', `/api/v1/cases/${tid}/postmortem`)).status, 404,
    'nothing saved');
  await screenshot(page, '5-component-refused');

  // With a component: saved and shown.
  await page.locator('#pm-component').fill('record parser');
  res = await submit(page, page.locator('#postmortem-form'), 'Save the post-mortem',
    `${casePath}/postmortem`);
  assert.equal(res.status(), 303);
  assert.equal(new URL(page.url()).pathname, casePath);
  assert.equal(await page.locator('#postmortem-missing').count(), 0);
  const saved = await page.locator('#postmortem-saved').innerText();
  assert.match(saved, /CWE-787/);
  assert.match(saved, /record parser/);
  assert.match(saved, /Fuzzing/);
  assert.match(await page.locator('#postmortem').innerText(), /Fuzz the record parser in CI\./);
  const pm = await apiOk('GET', `/api/v1/cases/${tid}/postmortem`);
  assert.equal(pm.component, 'record parser');
  assert.equal(pm.practice, 'fuzzing');
  assert.equal(pm.reissued, false);
  assert.equal(pm.tags, 'memory-safety,parsing');

  // Now the case closes.
  res = await submit(page, page.locator('#t-closed'), 'Close', `${casePath}/transition`);
  assert.equal(res.status(), 303);
  assert.equal((await page.locator('#state').innerText()).trim(), 'Closed');
  assert.equal(await page.locator('#t-closed').count(), 0, 'closed is final');
  assert.equal((await apiOk('GET', `/api/v1/cases/${tid}`)).state, 'closed');
  await finish(page, w, '5-closed');
});
