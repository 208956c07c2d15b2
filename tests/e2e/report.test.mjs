// tests/e2e/report.test.mjs - browser end-to-end test of the public report
// form (/report), the confirmation page and the researcher's case page
// (/track/...), driven through Debian's Chromium with playwright-core.
//
//   VIGIL=build/vigil node --test tests/e2e/
//   E2E_SCREENSHOTS=/tmp/shots VIGIL=... node --test tests/e2e/   (+ screenshots)
//
// The test starts its own server on a fresh SQLite database loaded with the
// demo data (`vigil demo`), on 127.0.0.1:0, with the repository root as the
// working directory (templates/ and static/ are found relative to it), and
// stops it at the end.  Every scenario fails on a browser console error, an
// uncaught page error, a CSP violation, a JavaScript dialog or any HTTP
// response >= 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { origin, useVigil, vigil, newContext, newPage, screenshot,
  submit as submitIn } from './harness.mjs';

const TOP_TIER = 'With proof of concept and root cause';
const TIER_LABELS = ['Incomplete', 'Basic', 'Reproducible',
  'With proof of concept', TOP_TIER];

let researcher = null;		// the context of scenarios 2 and 3
let demoIds = [];		// tracking ids `vigil demo` created
let lastSeq = 0;		// sequence number of the newest case
let created = null;		// { trackingId } of the case of scenario 2

// ---- helpers ---------------------------------------------------------------

function seqOf(trackingId) {
  const m = /^[A-Z]+-\d{4}-(\d{4,})$/.exec(trackingId);
  assert.ok(m, `not a tracking id: ${trackingId}`);
  return Number(m[1]);
}

// Clicks a submit button and returns the response of the POST it sends.
function submit(page, buttonName, action) {
  return submitIn(page, page, buttonName, action);
}

async function value(page, sel) {
  return page.locator(sel).inputValue();
}

// ---- server and browser ------------------------------------------------------

useVigil({
  name: '',			// vigil-e2e-XXXXXX, screenshots 1-form-with-errors.png, ...
  // The server's error lines as src/util/log.c prints them.
  async seed() {
    const demo = await vigil(['demo']);
    demoIds = [...demo.matchAll(/demo case ([A-Z]+-\d{4}-\d+):/g)].map((m) => m[1]);
    assert.ok(demoIds.length > 0, `vigil demo created no case:\n${demo}`);
    lastSeq = Math.max(...demoIds.map(seqOf));
  },
  async ready() {
    researcher = await newContext();
  },
});

// ---- scenarios ---------------------------------------------------------------

test('1. a form with errors is shown again with everything kept', async () => {
  const ctx = await newContext();
  try {
    const { page, w } = await newPage(ctx, {
      // The server answers the refused form with 422 on purpose.
      allow: (m) => /status of 422\b/.test(m.text()) &&
        new URL(m.location().url).pathname === '/report',
    });
    const res = await page.goto('/report');
    assert.equal(res.status(), 200);
    await page.locator('form.report').waitFor();
    assert.equal(await page.locator('#error-summary').count(), 0,
      'a fresh form shows no error summary');

    const title = 'Crash in the config loader';
    const description = 'The loader **crashes** on a long key.\nSecond line <b>kept</b> as typed.';
    await page.fill('#f-reporter_name', 'Ada Tester');
    await page.fill('#f-reporter_email', 'not-an-email');
    await page.fill('#f-title', title);
    await page.fill('#f-description', description);
    await screenshot(page, '1-form-before-errors');

    const post = await submit(page, 'Send report', '/report');
    assert.equal(post.status(), 422, 'an invalid report is refused with 422');
    await page.locator('#error-summary').waitFor();

    // Nothing stored: still the form, not the confirmation page.
    assert.equal(new URL(page.url()).pathname, '/report');
    assert.equal(await page.locator('#tracking-id').count(), 0);
    assert.equal(await page.locator('#track-url').count(), 0);
    await page.locator('form.report').waitFor();

    // The summary lists the e-mail problem and links to the field.
    const summary = page.locator('#error-summary');
    const emailItem = summary.locator('a[href="#f-reporter_email"]');
    assert.equal(await emailItem.count(), 1, 'the summary links to the e-mail field');
    assert.match(await emailItem.innerText(), /valid e-mail address/i);
    assert.match(await summary.innerText(), /Nothing has been saved/);
    // ...and the other required fields that were left empty.
    for (const f of ['product', 'versions', 'impact', 'publicly_known', 'exploited'])
      assert.equal(await summary.locator(`a[href="#f-${f}"]`).count(), 1,
        `the summary lists the missing ${f}`);
    // Fields that were fine are not listed.
    for (const f of ['title', 'description', 'reporter_name'])
      assert.equal(await summary.locator(`a[href="#f-${f}"]`).count(), 0,
        `the summary does not list ${f}`);

    // The field-level message next to the e-mail input.
    const fieldErr = page.locator('#e-reporter_email');
    await fieldErr.waitFor();
    assert.match(await fieldErr.innerText(), /valid e-mail address/i);
    assert.equal(await page.locator('#f-reporter_email').getAttribute('aria-describedby'),
      'h-reporter_email e-reporter_email');
    assert.ok(await page.locator('.field.invalid #f-reporter_email').count() === 1,
      'the e-mail field is marked invalid');

    // Everything typed is still there.
    assert.equal(await value(page, '#f-reporter_email'), 'not-an-email');
    assert.equal(await value(page, '#f-reporter_name'), 'Ada Tester');
    assert.equal(await value(page, '#f-title'), title);
    assert.equal(await value(page, '#f-description'), description);

    // report.js moves the focus to the summary.
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    await screenshot(page, '1-form-with-errors');
    await w.check();
  } finally {
    await ctx.close();
  }
});

// Regression: the form once posted "credit" and "pgp_key" while the server
// knows "reporter_credit" and "reporter_pgp_key", so both were dropped.
test('1b. the credit and PGP key typed in the form are kept and checked', async () => {
  const ctx = await newContext();
  try {
    const { page, w } = await newPage(ctx, {
      allow: (m) => /status of 422\b/.test(m.text()) &&
        new URL(m.location().url).pathname === '/report',
    });
    await page.goto('/report');
    await page.fill('#f-reporter_email', 'not-an-email');
    await page.fill('#f-reporter_credit', 'Ada (Example Labs)');
    await page.fill('#f-reporter_pgp_key', 'not a key');
    const post = await submit(page, 'Send report', '/report');
    assert.equal(post.status(), 422);
    await page.locator('#error-summary').waitFor();
    await w.check();
    assert.equal(await value(page, '#f-reporter_credit'), 'Ada (Example Labs)',
      'the credit line is kept');
    assert.equal(await value(page, '#f-reporter_pgp_key'), 'not a key', 'the PGP key is kept');
    assert.equal(await page.locator('#e-reporter_pgp_key').count(), 1,
      'a PGP key that is not an armored key is refused');
  } finally {
    await ctx.close();
  }
});

test('2. a complete report is received and can be followed', async () => {
  const { page, w } = await newPage(researcher);
  const title = 'Heap overflow in the TIFF tag parser';
  const description = [
    'A crafted TIFF file makes `tp_parse_tags()` write past a heap buffer. ' +
      'This is **remote code execution** for any program that parses untrusted images.',
    '',
    'Payload as text: `<script>alert(1)</script>`',
    '',
    'Raw payload: <script>alert(1)</script> <img src=x onerror=alert(2)>',
  ].join('\n');
  const poc = 'printf "II*\\0<script>alert(3)</script>" > crash.tif && tp-info crash.tif';
  const attachment = Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08,
    0x00, 0x00, 0x00, 0xff, 0xfe]), Buffer.from(' crash input\n')]);
  const message = 'Here is a **second** crash input: <script>alert(4)</script>';

  // -- the form
  let res = await page.goto('/report');
  assert.equal(res.status(), 200);
  await page.locator('form.report').waitFor();
  assert.equal(await page.locator('#tier-label').innerText(), 'Incomplete',
    'an empty form is incomplete');
  assert.equal(await page.evaluate(() => typeof window.__vigilCspViolation), 'function',
    'the CSP violation hook is installed');

  await page.fill('#f-reporter_name', 'Grace Researcher');
  await page.fill('#f-reporter_email', 'grace@example.org');
  await page.fill('#f-reporter_credit', 'Grace R. (Example Labs)');
  await page.selectOption('#f-product', 'libtinyparse');
  await page.fill('#f-versions', '1.4.2 and 1.5.0-rc1');
  await page.selectOption('#f-cwe', 'CWE-787');
  await page.selectOption('#f-impact', 'rce');
  await page.fill('#f-title', title);
  await page.fill('#f-description', description);
  await page.fill('#f-steps', '1. Build libtinyparse 1.4.2 with ASan.\n2. Run `tp-info crash.tif`.\n3. See the heap-buffer-overflow report.');
  await page.fill('#f-poc', poc);
  await page.fill('#f-root_cause', 'tp_parse_tags() trusts the tag count from the file and never checks it against the size of the tag array (off by one in the bounds check).');
  await page.check('input[name="publicly_known"][value="no"]');
  await page.check('input[name="exploited"][value="no"]');
  await page.fill('#f-disclosure_plans', 'A blog post after the fix is released.');
  await page.fill('#f-disclosure_date', '2026-12-15');
  await page.fill('#f-cvss_vector', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H');
  await page.setInputFiles('#f-attachments', {
    name: 'crash.tif', mimeType: 'image/tiff',
    buffer: attachment,
  });

  // The script asks /api/v1/reports/assess and updates the panel.
  await page.locator('#tier-label', { hasText: TOP_TIER }).waitFor();
  await page.waitForFunction(() => {
    const m = document.getElementById('tier-meter');
    return m && m.value === Number(m.max) &&
      document.getElementById('tier').classList.contains('tier-root_cause');
  });
  assert.equal(await page.locator('#tier-label').innerText(), TOP_TIER);
  assert.equal(await page.locator('#tier-hints li').count(), 0,
    'a complete report gets no hints');
  await screenshot(page, '2-form-complete');

  // -- the confirmation page
  res = await submit(page, 'Send report', '/report');
  assert.equal(res.status(), 201, 'a valid report is created');
  const idEl = page.locator('#tracking-id');
  await idEl.waitFor();
  const trackingId = (await idEl.innerText()).trim();
  assert.match(trackingId, /^VR-\d{4}-\d{4,}$/);
  assert.equal(seqOf(trackingId), lastSeq + 1,
    `the new case is the next one after ${lastSeq} (the refused form of scenario 1 stored nothing)`);
  lastSeq = seqOf(trackingId);
  created = { trackingId };

  const trackUrl = await page.locator('#track-url').inputValue();
  const trackHref = await page.locator('#track-link').getAttribute('href');
  assert.match(trackUrl, /\/track\/[A-Za-z0-9_-]{20,}$/, 'the tracking link has a secret token');
  assert.equal(trackHref, trackUrl, 'the button opens the link shown');
  const token = new URL(trackUrl).pathname.split('/').pop();
  assert.ok(!trackUrl.includes(trackingId), 'the link is a secret, not the tracking id');
  await screenshot(page, '2-confirmation');

  // -- the case page, through the link
  const linkUrl = new URL(trackUrl);
  assert.equal(linkUrl.origin, origin);
  await Promise.all([
    page.waitForURL(`**/track/${trackingId}`),
    page.locator('#track-link').click(),
  ]);
  await page.locator('#state').waitFor();
  const landed = new URL(page.url());
  assert.equal(landed.pathname, `/track/${trackingId}`, 'redirected to the tracking id');
  assert.ok(!page.url().includes(token), 'the secret token is no longer in the URL');

  // The secret became an HttpOnly cookie scoped to this case.
  const cookies = await researcher.cookies(page.url());
  const c = cookies.find((k) => k.name === `vt_${trackingId}`);
  assert.ok(c, `a tracking cookie vt_${trackingId} is set (have: ${cookies.map((k) => k.name)})`);
  assert.equal(c.path, `/track/${trackingId}`);
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Strict');
  assert.notEqual(c.value, token, 'the cookie is not the link token');

  assert.equal((await page.locator('#tracking-id').innerText()).trim(), trackingId);
  assert.equal((await page.locator('main h1').innerText()).trim(), title);
  assert.equal((await page.locator('#state strong').innerText()).trim(), 'Received');
  const facts = await page.locator('dl.facts').innerText();
  for (const s of ['libtinyparse', '1.4.2 and 1.5.0-rc1', 'Remote code execution',
    'CWE-787', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', TOP_TIER])
    assert.ok(facts.includes(s), `the facts show ${s}:\n${facts}`);

  // Markdown is rendered, HTML is not.
  const desc = page.locator('#description');
  assert.equal(await desc.locator('strong', { hasText: 'remote code execution' }).count(), 1,
    'the description renders **bold** as <strong>');
  assert.equal(await desc.locator('code', { hasText: '<script>alert(1)</script>' }).count(), 1,
    'the payload in a code span is shown as text');
  assert.equal(await desc.locator('script, img, [onerror]').count(), 0,
    'raw HTML in the description is not rendered');
  assert.equal(await page.locator('pre.poc').innerText(), poc, 'the PoC is shown verbatim');
  assert.equal(await page.locator('main script').count(), 0, 'no script element in the page body');

  // The attachment is listed and can be downloaded with the cookie.
  const file = page.locator('ul.files a', { hasText: 'crash.tif' });
  assert.equal(await file.count(), 1, 'the attachment is listed');
  const fileHref = await file.getAttribute('href');
  assert.match(fileHref, new RegExp(`^/track/${trackingId}/attachments/\\d+$`));
  const dl = await researcher.request.get(fileHref);
  assert.equal(dl.status(), 200);
  assert.match(dl.headers()['content-disposition'] ?? '', /^attachment;/);
  assert.ok((await dl.body()).equals(attachment), 'the file comes back byte for byte');
  assert.match(await page.locator('ul.files').innerText(), new RegExp(`${attachment.length} bytes`));

  assert.match(await page.locator('#timeline').innerText(), /Report received/);
  await screenshot(page, '2-case');

  // -- a message to the team
  await page.fill('#body', message);
  res = await submit(page, 'Send message', `/track/${trackingId}/messages`);
  assert.equal(res.status(), 303, 'the message is accepted');
  await page.waitForURL(`**/track/${trackingId}#messages`);
  const msg = page.locator('ol.messages li.message').last();
  await msg.waitFor();
  assert.match(await msg.locator('.meta').innerText(), /^You\b/);
  assert.equal(await msg.locator('.md strong', { hasText: 'second' }).count(), 1);
  assert.equal(await msg.locator('script').count(), 0);
  assert.match(await page.locator('#timeline').innerText(), /You sent a message/);
  assert.equal(await page.locator('#form-error').count(), 0);
  await screenshot(page, '2-case-with-message');
  await w.check();
});

// Regression: the link was built from the configured listen address, not
// from the address `serve --listen 127.0.0.1:0` actually bound.
test('2b. the tracking link points at the server that issued it', async () => {
  // Repeated in a small form so the main scenario stays green: a fresh
  // report through the form, then compare the link's origin.
  const ctx = await newContext();
  try {
    const { page, w } = await newPage(ctx);
    await page.goto('/report');
    await page.fill('#f-reporter_email', 'link@example.org');
    await page.selectOption('#f-product', 'libtinyparse');
    await page.fill('#f-versions', '1.0');
    await page.selectOption('#f-impact', 'dos');
    await page.fill('#f-title', 'Link origin check');
    await page.fill('#f-description', 'A report made only to look at the tracking link.');
    await page.check('input[name="publicly_known"][value="no"]');
    await page.check('input[name="exploited"][value="no"]');
    const res = await submit(page, 'Send report', '/report');
    assert.equal(res.status(), 201);
    lastSeq = seqOf((await page.locator('#tracking-id').innerText()).trim());
    const href = await page.locator('#track-link').getAttribute('href');
    await w.check();
    assert.equal(new URL(href).origin, origin);
  } finally {
    await ctx.close();
  }
});

test('3. a tracking cookie for one case does not open another', async () => {
  const other = demoIds[0];
  assert.ok(created, 'scenario 2 created a case in this context');
  assert.notEqual(other, created.trackingId);
  const { page, w } = await newPage(researcher, {
    // Chromium logs the expected 404 of the main document.
    allow: (m) => /status of 404\b/.test(m.text()) &&
      new URL(m.location().url).pathname === `/track/${other}`,
  });

  // Our own case opens with the cookie...
  let res = await page.goto(`/track/${created.trackingId}`);
  assert.equal(res.status(), 200);
  await page.locator('#state').waitFor();

  // ...another case of the same year does not.
  assert.equal(other.slice(0, 8), created.trackingId.slice(0, 8), 'same prefix and year');
  res = await page.goto(`/track/${other}`);
  assert.equal(res.status(), 404);
  assert.equal(await page.locator('#state').count(), 0);
  assert.ok(!(await page.content()).includes('Your report'), 'nothing of the case is shown');
  // Nor its files or its reply form.
  const att = await researcher.request.get(`/track/${other}/attachments/1`);
  assert.equal(att.status(), 404);
  await w.check();
});

test('4. "Check my report" works without JavaScript and stores nothing', async () => {
  const ctx = await newContext({ javaScriptEnabled: false });
  try {
    const { page, w } = await newPage(ctx);
    const res = await page.goto('/report');
    assert.equal(res.status(), 200);
    await page.locator('form.report').waitFor();

    await page.fill('#f-reporter_email', 'nojs@example.net');
    await page.selectOption('#f-product', 'libtinyparse');
    await page.fill('#f-versions', '1.4.2');
    await page.selectOption('#f-impact', 'dos');
    await page.fill('#f-title', 'Parser loops forever on an empty IFD');
    await page.fill('#f-description', 'An empty IFD makes the parser spin at 100% CPU forever.');
    await page.check('input[name="publicly_known"][value="no"]');
    await page.check('input[name="exploited"][value="no"]');
    // Without the script nothing updates the panel before the check.
    assert.equal(await page.locator('#tier-label').innerText(), 'Incomplete');

    const post = await submit(page, 'Check my report', '/report');
    assert.equal(post.status(), 200);
    await page.locator('#check-ok').waitFor();
    assert.match(await page.locator('#check-ok').innerText(), /not.*been sent/s);
    const tier = (await page.locator('#tier-label').innerText()).trim();
    assert.ok(TIER_LABELS.indexOf(tier) >= TIER_LABELS.indexOf('Basic'),
      `the panel shows Basic or higher, not "${tier}"`);

    // Still the form, with everything kept, and no case.
    assert.equal(new URL(page.url()).pathname, '/report');
    assert.equal(await page.locator('#tracking-id').count(), 0);
    assert.equal(await page.locator('#error-summary').count(), 0);
    assert.equal(await value(page, '#f-title'), 'Parser loops forever on an empty IFD');
    assert.equal(await value(page, '#f-product'), 'libtinyparse');
    assert.equal(await value(page, '#f-impact'), 'dos');
    assert.ok(await page.locator('input[name="exploited"][value="no"]').isChecked());
    await screenshot(page, '4-checked-no-js');

    // Sending it now (still without JavaScript) gets the very next number:
    // the check stored nothing.
    const sent = await submit(page, 'Send report', '/report');
    assert.equal(sent.status(), 201);
    const id = (await page.locator('#tracking-id').innerText()).trim();
    assert.equal(seqOf(id), lastSeq + 1, `"Check my report" created no case (got ${id})`);
    lastSeq = seqOf(id);
    await w.check();
  } finally {
    await ctx.close();
  }
});
