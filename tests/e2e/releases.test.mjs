// tests/e2e/releases.test.mjs - browser end-to-end test of the release
// planner: a case of the demo product libtinyparse is driven to "ready"
// through the API (PoC, the demo's correct patch tested by the worker and
// signed off, sent to the researcher, verification waived after the
// deadline), then the release manager sees the upcoming release windows
// with their advance-notice dates, creates an out-of-band release with a
// justification, adds the ready case, edits its advisory draft (a bad CVE
// ID is refused beside the form), publishes it, and the public advisory
// page /advisories/<ID> shows it.
//
//   VIGIL=build/vigil node --test tests/e2e/releases.test.mjs
//   E2E_SCREENSHOTS=/tmp/shots VIGIL=... node --test tests/e2e/   (+ screenshots)
//
// The test starts its own server (`vigil serve`, which runs the worker
// thread) on a fresh SQLite database loaded with the demo data (`vigil
// demo`) plus four accounts and their API tokens, with the repository root
// as the working directory, and stops it at the end.  The sqlite3 tool
// does test setup only (the verification deadline moved into the past, so
// that the release manager may waive it).  Every scenario fails on a
// browser console error, an uncaught page error, a CSP violation, a
// JavaScript dialog or any HTTP response >= 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PASSWORD, USERS, PATCH, POC, dbFile, serverLog, origin, useVigil, run,
  demoWithPatchTesting, addUser, createToken, expectStatus, newContext, newPage,
  screenshot, submit, signIn, apiRequest } from './harness.mjs';

const RUN_TIMEOUT = 240_000;	// ms, the worker's test runs (the demo's three, then ours)
const TITLE = 'Stack overflow in tp_parse_header() with a long header name';
const CVE = 'CVE-2026-31337';

const ctxs = {};		// signed-in browser contexts by user key
const tokens = {};		// API tokens by user key
let tid = '';			// the case's tracking ID
let releasePath = '';		// /releases/<id>
let advisoryId = '';		// VIGIL-YYYY-NNNN once published

// ---- helpers ---------------------------------------------------------------

function api(who, method, pathname, body) {
  return apiRequest(tokens[who], method, pathname, body);
}

async function apiOk(who, method, pathname, body, want = 201) {
  const r = await api(who, method, pathname, body);
  assert.equal(r.status, want, `${method} ${pathname} as ${who}: ${r.text}`);
  return r.json;
}

// ---- server and browser ------------------------------------------------------

useVigil({
  name: 'releases',
  async seed() {
    await demoWithPatchTesting();
    for (const [key, u] of Object.entries(USERS)) {
      await addUser(u, PASSWORD);
      tokens[key] = await createToken(u.email);
    }
  },
  async ready() {
    ctxs.rm = await signIn(USERS.rm.email, PASSWORD, 'rm');
  },
});

// ---- scenarios ---------------------------------------------------------------

test('1. a case of libtinyparse is driven to ready through the API', async () => {
  const res = await fetch(`${origin}/api/v1/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      reporter: { name: 'Rita Researcher', email: 'rita@example.org',
        credit: 'Rita R. of Example Research' },
      product: 'libtinyparse', versions: '1.4.2', impact: 'rce',
      title: TITLE,
      description: 'A header name of 64 bytes or more overflows the stack ' +
        'buffer `name` in tp_parse_header(); tp_cat crashes under ASan.',
      publicly_known: false, exploited: false,
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  tid = body.tracking_id;
  for (const [who, to] of [['analyst', 'triage'], ['analyst', 'confirmed'],
    ['engineer', 'fixing']])
    await apiOk(who, 'POST', `/api/v1/cases/${tid}/transitions`, { to });
  await apiOk('analyst', 'POST', `/api/v1/cases/${tid}/pocs`, {
    name: 'long-name.txt', data_base64: (await readFile(POC)).toString('base64') });
  const patch = await apiOk('engineer', 'POST', `/api/v1/cases/${tid}/patches`, {
    kind: 'diff', diff: await readFile(PATCH, 'utf8'), versions: ['1.4.2'],
    note: 'Reject header names longer than the buffer.' });
  const runId = patch.runs[0].id;

  // The server's worker runs the demo's three runs, then ours.
  const deadline = Date.now() + RUN_TIMEOUT;
  let status = '';
  for (;;) {
    status = (await apiOk('tester', 'GET', `/api/v1/test-runs/${runId}`, null, 200)).status;
    if (!['queued', 'running'].includes(status) || Date.now() > deadline)
      break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  assert.equal(status, 'passed', `the run of the correct patch (server output:\n${serverLog})`);
  await apiOk('tester', 'POST', `/api/v1/test-runs/${runId}/signoff`,
    { verdict: 'pass', comment: 'Suite green; the PoC no longer crashes.' });
  await apiOk('engineer', 'POST', `/api/v1/cases/${tid}/transitions`, { to: 'testing' });
  await apiOk('analyst', 'POST', `/api/v1/cases/${tid}/verification`, { deadline_days: 7 });
  // Test setup: the researcher's deadline passed; the release manager waives.
  await run('sqlite3', ['-cmd', '.timeout 5000', dbFile, 'UPDATE verifications SET ' +
    "deadline = strftime('%s','now') - 3600 WHERE case_id = (SELECT id FROM cases " +
    `WHERE tracking_id = '${tid}')`]);
  await apiOk('rm', 'POST', `/api/v1/cases/${tid}/verification/waive`,
    { reason: 'The researcher is unreachable; our PoC run is conclusive.' });
  const o = await apiOk('rm', 'POST', `/api/v1/cases/${tid}/transitions`, { to: 'ready' });
  assert.equal(o.state, 'ready');
  const g = await apiOk('analyst', 'GET', `/api/v1/cases/${tid}/gate`, null, 200);
  assert.equal(g.ok, true, JSON.stringify(g));
});

test('2. the release planner shows the upcoming windows', async () => {
  const { page, w } = await newPage(ctxs.rm);
  const res = await page.goto('/releases');
  assert.equal(res.status(), 200);
  const api1 = await apiOk('analyst', 'GET', '/api/v1/releases', null, 200);
  assert.ok(api1.windows.length >= 3, JSON.stringify(api1));
  const items = page.locator('#window-list li.window');
  assert.equal(await items.count(), api1.windows.length);
  const first = items.first();
  assert.equal(await first.locator('time').first().getAttribute('datetime'), api1.windows[0].iso);
  assert.match(await first.innerText(), new RegExp(`Advance notice.*${api1.windows[0].notice}`, 's'));
  // the form offers the same windows
  const options = await page.locator('#r-window option').evaluateAll(
    (os) => os.map((o) => Number(o.value)));
  assert.deepEqual(options, api1.windows.map((x) => x.at));
  assert.equal(await page.locator('#planned-list').count(), 0, 'nothing planned yet');
  await screenshot(page, '2-planner');
  await w.check();
});

test('3. the release manager creates an out-of-band release with a justification', async () => {
  const { page, w } = await newPage(ctxs.rm, { allow: expectStatus(422, '/releases') });
  let res = await page.goto('/releases');
  assert.equal(res.status(), 200);
  // Without a justification (the browser would insist; the server too).
  await page.evaluate(() => document.querySelector('#r-justification').removeAttribute('required'));
  res = await submit(page, page.locator('#oob-form'), 'Create the out-of-band release', '/releases');
  assert.equal(res.status(), 422);
  assert.match(await page.locator('#oob-error').innerText(), /justification/);

  await page.fill('#r-justification', 'Exploited in the wild: attacks on customers since Monday.');
  res = await submit(page, page.locator('#oob-form'), 'Create the out-of-band release', '/releases');
  assert.equal(res.status(), 303);
  releasePath = new URL(page.url()).pathname;
  assert.match(releasePath, /^\/releases\/\d+$/);
  assert.equal((await page.locator('#release-kind').innerText()).trim(), 'Out of band');
  assert.equal((await page.locator('#release-status').innerText()).trim(), 'Planned');
  assert.match(await page.locator('#justification').innerText(), /Exploited in the wild/);
  assert.equal(await page.locator('#publish-form button[disabled]').count(), 1,
    'nothing to publish yet');
  await w.check();
});

test('4. the release manager adds the ready case', async () => {
  const { page, w } = await newPage(ctxs.rm);
  let res = await page.goto(releasePath);
  assert.equal(res.status(), 200);
  const row = page.locator('#ready-list li', { hasText: tid });
  await row.waitFor();
  res = await submit(page, row, `Add ${tid} to this release`, `${releasePath}/cases`);
  assert.equal(res.status(), 303);
  const item = page.locator(`#case-${tid}`);
  await item.waitFor();
  assert.match(await item.innerText(), /Scheduled/);
  assert.equal((await item.locator('.adv-title').innerText()).trim(), TITLE);
  assert.equal((await item.locator('.adv-ack').innerText()).trim(), 'Rita R. of Example Research');
  assert.equal(await page.locator('#ready-list li', { hasText: tid }).count(), 0);
  await screenshot(page, '4-added');
  await w.check();
});

test('5. the release manager edits the advisory draft', async () => {
  const action = `/cases/${tid}/advisory`;
  const { page, w } = await newPage(ctxs.rm, { allow: expectStatus(422, action) });
  let res = await page.goto(releasePath);
  assert.equal(res.status(), 200);
  await page.locator(`#case-${tid} details.adv-edit summary`).click();
  let form = page.locator(`#adv-form-${tid}`);
  await form.locator(`#adv-${tid}-cve`).fill('CVE-26-1');
  res = await submit(page, form, 'Save the draft', action);
  assert.equal(res.status(), 422);
  assert.match(await page.locator(`#adv-error-${tid}`).innerText(), /CVE-2026-12345/);
  form = page.locator(`#adv-form-${tid}`);
  assert.equal(await form.locator(`#adv-${tid}-cve`).inputValue(), 'CVE-26-1', 'typed value kept');

  await form.locator(`#adv-${tid}-cve`).fill(CVE);
  await form.locator(`#adv-${tid}-fixed`).fill('1.4.3');
  await form.locator(`#adv-${tid}-workarounds`).fill('Reject header names longer than 63 bytes at the proxy.');
  await form.locator('input[name="restart_required"][value="service"]').check();
  res = await submit(page, form, 'Save the draft', action);
  assert.equal(res.status(), 303);
  const item = page.locator(`#case-${tid}`);
  assert.equal((await item.locator('.adv-cve').innerText()).trim(), CVE);
  assert.equal((await item.locator('.adv-fixed').innerText()).trim(), '1.4.3');
  const a = await apiOk('analyst', 'GET', `/api/v1/cases/${tid}/advisory`, null, 200);
  assert.equal(a.cve, CVE);
  assert.equal(a.restart_required, 'service');
  assert.equal(a.status, 'draft');
  await w.check();
});

test('6. the release manager publishes the release now', async () => {
  const { page, w } = await newPage(ctxs.rm);
  let res = await page.goto(releasePath);
  assert.equal(res.status(), 200);
  res = await submit(page, page.locator('#publish-form'), 'Publish now', `${releasePath}/publish`);
  assert.equal(res.status(), 303);
  assert.equal((await page.locator('#release-status').innerText()).trim(), 'Published');
  assert.equal(await page.locator('#publish-form').count(), 0);
  const link = page.locator(`#case-${tid} .adv-link`);
  advisoryId = (await link.innerText()).trim();
  assert.match(advisoryId, /^VIGIL-\d{4}-\d{4,}$/);
  assert.match(await page.locator(`#case-${tid}`).innerText(), /Released/);
  assert.match(await page.locator(`#case-${tid} .revisions`).innerText(), /Initial publication/);
  await screenshot(page, '6-published');
  // the case page links its advisory
  res = await page.goto(`/cases/${tid}`);
  assert.equal(res.status(), 200);
  assert.equal((await page.locator('#advisory-id').innerText()).trim(), advisoryId);
  await w.check();
});

test('7. the public advisory page shows the advisory', async () => {
  const ctx = await newContext();
  const { page, w } = await newPage(ctx);
  const res = await page.goto(`/advisories/${advisoryId}`);
  assert.equal(res.status(), 200, `GET /advisories/${advisoryId} (the public ` +
    'advisory page, src/web/h_advisories.c)');
  const text = await page.locator('main').innerText();
  assert.match(text, new RegExp(advisoryId));
  assert.match(text, /tp_parse_header/);
  assert.match(text, new RegExp(CVE));
  await screenshot(page, '7-public');
  await w.check();
  await ctx.close();
});
