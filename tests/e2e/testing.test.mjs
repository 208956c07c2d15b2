// tests/e2e/testing.test.mjs - browser end-to-end test of independent patch
// testing and researcher verification: an engineer adds the proof of concept
// and uploads the demo's correct patch (demo/tinyparse/patches/correct.diff)
// on a case of the demo product libtinyparse, the worker tests it in the
// sandbox, a tester signs the run off, an analyst sends the fix to the
// researcher, the researcher answers "fixed" on their tracking page and the
// release manager moves the case to ready once the release gate is open.
//
//   VIGIL=build/vigil node --test tests/e2e/testing.test.mjs
//   E2E_SCREENSHOTS=/tmp/shots VIGIL=... node --test tests/e2e/   (+ screenshots)
//
// The test starts its own server (`vigil serve`, which runs the worker
// thread) on a fresh SQLite database loaded with the demo data (`vigil demo`,
// which gives libtinyparse its test plan and version 1.4.2) plus four
// accounts (`vigil user add`), with the repository root as the working
// directory, files the case through POST /api/v1/reports, and stops the
// server at the end.  Every scenario fails on a browser console error, an
// uncaught page error, a CSP violation, a JavaScript dialog or any HTTP
// response >= 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, USERS, PATCH, POC, serverLog, origin, useVigil,
  demoWithPatchTesting, addUser, createToken, expectStatus, newContext, newPage,
  screenshot, submit, signIn, apiRequest } from './harness.mjs';

const RUN_TIMEOUT = 90_000;	// ms, the worker's test run (build + suite + PoC)

const ctxs = {};		// signed-in browser contexts by user key
let analystToken = '';		// API token of the analyst (setting the case up)
let tid = '';			// the case's tracking ID
let trackUrl = '';		// the researcher's secret link
let runHref = '';		// /runs/<id> of the patch's test run

// ---- helpers ---------------------------------------------------------------

function api(method, pathname, body, token = analystToken) {
  return apiRequest(token, method, pathname, body);
}

// ---- server and browser ------------------------------------------------------

useVigil({
  name: 'testing',
  async seed() {
    await demoWithPatchTesting();
    for (const u of Object.values(USERS))
      await addUser(u, PASSWORD);
    analystToken = await createToken(USERS.analyst.email);
  },
  async ready() {
    for (const [key, u] of Object.entries(USERS))
      ctxs[key] = await signIn(u.email, PASSWORD, key);
  },
});

// ---- scenarios ---------------------------------------------------------------

test('1. a researcher reports a bug in libtinyparse; the team confirms it', async () => {
  const res = await fetch(`${origin}/api/v1/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      reporter: { name: 'Rita Researcher', email: 'rita@example.org' },
      product: 'libtinyparse', versions: '1.4.2', impact: 'rce',
      title: 'Stack overflow in tp_parse_header() with a long header name',
      description: 'A header name of 64 bytes or more overflows the stack ' +
        'buffer `name` in tp_parse_header(); tp_cat crashes under ASan.',
      publicly_known: false, exploited: false,
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  tid = body.tracking_id;
  trackUrl = body.track_url;
  for (const to of ['triage', 'confirmed', 'fixing']) {
    const r = await api('POST', `/api/v1/cases/${tid}/transitions`, { to });
    assert.equal(r.status, 201, `-> ${to}: ${r.text}`);
  }
  // The gate is closed and says why, in the API too.
  const g = await api('GET', `/api/v1/cases/${tid}/gate`);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.ok, false);
  assert.deepEqual(g.json.unmet, ['There is no patch yet.']);
  assert.equal(g.json.current_revision, null);
});

test('2. the engineer adds the proof of concept and uploads the patch', async () => {
  const { page, w } = await newPage(ctxs.engineer, {
    allow: expectStatus(422, `/cases/${tid}/patches`),
  });
  let res = await page.goto(`/cases/${tid}`);
  assert.equal(res.status(), 200);
  await page.locator('#testing').waitFor();
  assert.match(await page.locator('#gate-unmet').innerText(), /no patch yet/);
  assert.match(await page.locator('#testing').innerText(), /libtinyparse/);

  // The proof of concept, uploaded as a file.
  const poc = page.locator('#poc-form');
  await poc.locator('#poc-file').setInputFiles(POC);
  res = await submit(page, poc, 'Add', `/cases/${tid}/pocs`);
  assert.equal(res.status(), 303);
  await page.locator('#poc-list li', { hasText: 'long-name.txt' }).waitFor();

  // Not a diff: refused beside the form, nothing stored.
  let form = page.locator('#patch-form');
  await form.locator('#patch-diff').setInputFiles({ name: 'notes.txt',
    mimeType: 'text/plain', buffer: Buffer.from('this is not a diff\n') });
  res = await submit(page, form, 'Upload and test', `/cases/${tid}/patches`);
  assert.equal(res.status(), 422);
  assert.match(await page.locator('#patch-error').innerText(), /unified diff/);
  assert.equal(await page.locator('#patch-list li.patch').count(), 0);

  // The demo's correct patch, for version 1.4.2.
  form = page.locator('#patch-form');
  assert.equal(await form.locator('input[name="kind"][value="diff"]').isChecked(), true);
  await form.locator('#patch-diff').setInputFiles(PATCH);
  await form.locator('input[name="versions"][value="1.4.2"]').check();
  await form.locator('#patch-note').fill('Reject header names longer than the buffer.');
  res = await submit(page, form, 'Upload and test', `/cases/${tid}/patches`);
  assert.equal(res.status(), 303);
  assert.match(res.headers().location, /#testing$/);
  const rev = page.locator('#patch-list li.patch.current');
  await rev.waitFor();
  assert.match(await rev.innerText(), /Revision 1/);
  assert.match(await rev.innerText(), /Erin Engineer/);
  runHref = await rev.locator('a.run-link').first().getAttribute('href');
  assert.match(runHref, /^\/runs\/\d+$/);
  await screenshot(page, '2-case-patch');

  // The engineer sends the case to testing.
  res = await submit(page, page.locator('#t-testing'), 'Send to testing',
    `/cases/${tid}/transition`);
  assert.equal(res.status(), 303);
  assert.equal((await page.locator('#state').innerText()).trim(), 'Testing');
  await w.check();
});

test('3. the worker runs the patch in the sandbox', async () => {
  const { page, w } = await newPage(ctxs.engineer);
  const deadline = Date.now() + RUN_TIMEOUT;
  let status = '';
  for (;;) {
    const res = await page.goto(`/cases/${tid}`);
    assert.equal(res.status(), 200);
    status = (await page.locator('#patch-list li.patch.current .runs .tbadge').first()
      .innerText()).trim();
    if (!['Queued', 'Running'].includes(status) || Date.now() > deadline)
      break;
    await page.waitForTimeout(1_000);
  }
  assert.equal(status, 'Passed', `the run of the correct patch passes ` +
    `(server output:\n${serverLog})`);

  const res = await page.goto(runHref);
  assert.equal(res.status(), 200);
  assert.equal((await page.locator('#run-status').innerText()).trim(), 'Passed');
  assert.ok(await page.locator('li.step').count() >= 3, 'the steps are listed');
  assert.match(await page.locator('#steps').innerText(), /long-name\.txt/);
  assert.equal(await page.locator('#checks li.bad').count(), 0);
  assert.equal(await page.locator('#regression').count(), 0);
  // The engineer has no sign-off form.
  assert.equal(await page.locator('#signoff-form').count(), 0);
  await screenshot(page, '3-run');

  const api1 = await api('GET', `/api/v1/test-runs/${runHref.split('/').pop()}`);
  assert.equal(api1.status, 200, api1.text);
  assert.equal(api1.json.status, 'passed');
  assert.ok(Array.isArray(api1.json.steps) && api1.json.steps.length >= 3);
  assert.equal(typeof api1.json.steps[0].output, 'string');
  await w.check();
});

test('4. a tester who did not write the patch signs the run off', async () => {
  const { page, w } = await newPage(ctxs.tester, {
    allow: expectStatus(422, `${runHref}/signoff`),
  });
  let res = await page.goto(runHref);
  assert.equal(res.status(), 200);
  const form = page.locator('#signoff-form');
  await form.waitFor();
  // A comment is required (the browser would insist; the server too).
  await form.locator('input[name="verdict"][value="pass"]').check();
  await page.evaluate(() => document.querySelector('#signoff-text').removeAttribute('required'));
  res = await submit(page, form, 'Sign off', `${runHref}/signoff`);
  assert.equal(res.status(), 422);
  await page.locator('#signoff-error').waitFor();

  await page.locator('#signoff-form input[name="verdict"][value="pass"]').check();
  await page.fill('#signoff-text', 'Suite green; the PoC crashes 1.4.2 and not the patched build.');
  res = await submit(page, page.locator('#signoff-form'), 'Sign off', `${runHref}/signoff`);
  assert.equal(res.status(), 303);
  await page.locator('#signoff-result').waitFor();
  assert.match(await page.locator('#signoff-result').innerText(), /Pass.*Tess Tester/s);
  assert.equal(await page.locator('#signoff-form').count(), 0, 'signed once');
  await screenshot(page, '4-signoff');

  const g = await api('GET', `/api/v1/cases/${tid}/gate`);
  assert.equal(g.json.tested, true, g.text);
  assert.deepEqual(g.json.unmet, ['The fix has not been sent to the researcher to verify.']);
  await w.check();
});

test('5. the analyst sends the fix to the researcher', async () => {
  const { page, w } = await newPage(ctxs.analyst);
  let res = await page.goto(`/cases/${tid}`);
  assert.equal(res.status(), 200);
  const form = page.locator('#verify-form');
  await form.waitFor();
  assert.equal(await form.locator('#verify-days').inputValue(), '7');
  res = await submit(page, form, 'Send to the researcher', `/cases/${tid}/verification`);
  assert.equal(res.status(), 303);
  assert.equal((await page.locator('#state').innerText()).trim(), 'Verifying');
  assert.match(await page.locator('#verification-state').innerText(), /waiting for the researcher/);
  // Nobody may waive before the deadline: the analyst is not even offered it.
  assert.equal(await page.locator('#waive-form').count(), 0);
  await screenshot(page, '5-sent');
  await w.check();
});

test('6. the researcher answers "fixed" on the tracking page', async () => {
  const ctx = await newContext();
  const { page, w } = await newPage(ctx);
  let res = await page.goto(trackUrl);
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).pathname, `/track/${tid}`);
  const box = page.locator('#verification');
  await box.waitFor();
  assert.match(await page.locator('#verify-diff').innerText(), /name too long/,
    'the patch is shown inline');
  await box.locator('input[name="answer"][value="fixed"]').check();
  await box.locator('#verify-notes').fill('Tested with my PoC on the patched build: no crash.');
  res = await submit(page, box, 'Send my answer', `/track/${tid}/verification`);
  assert.equal(res.status(), 303);
  await page.locator('#verify-answered').waitFor();
  assert.match(await page.locator('#verify-answered').innerText(), /fix works/);
  await screenshot(page, '6-track');
  await w.check();
  await ctx.close();
});

test('7. the release manager sees the open gate and moves the case to ready', async () => {
  const { page, w } = await newPage(ctxs.rm);
  let res = await page.goto(`/cases/${tid}`);
  assert.equal(res.status(), 200);
  await page.locator('#gate.gate-open').waitFor();
  assert.equal(await page.locator('#gate-unmet').count(), 0);
  res = await submit(page, page.locator('#t-ready'), 'Ready for release',
    `/cases/${tid}/transition`);
  assert.equal(res.status(), 303);
  assert.equal((await page.locator('#state').innerText()).trim(), 'Ready for release');
  await screenshot(page, '7-ready');

  const g = await api('GET', `/api/v1/cases/${tid}/gate`);
  assert.equal(g.json.ok, true, g.text);
  assert.equal(g.json.verification.answer, 'fixed');
  const p = await api('GET', `/api/v1/cases/${tid}/patches`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.patches.length, 1);
  assert.equal(p.json.patches[0].author, USERS.engineer.name);
  assert.equal(p.json.patches[0].runs[0].signoff.verdict, 'pass');
  await w.check();
});
