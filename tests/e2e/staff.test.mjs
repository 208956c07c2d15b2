// tests/e2e/staff.test.mjs - browser end-to-end test of the staff console:
// sign-in (/login), the triage queue (/cases) and a case page
// (/cases/<tracking-id>) with its forms, together with the researcher's
// side of the same case (/track/...), driven through Debian's Chromium with
// playwright-core.
//
//   VIGIL=build/vigil node --test tests/e2e/staff.test.mjs
//   E2E_SCREENSHOTS=/tmp/shots VIGIL=... node --test tests/e2e/   (+ screenshots)
//
// The test starts its own server on a fresh SQLite database loaded with the
// demo data (`vigil demo`) plus an analyst account (`vigil user add`), on
// 127.0.0.1:0, with the repository root as the working directory, and stops
// it at the end.  Every scenario fails on a browser console error it did not
// provoke on purpose, an uncaught page error, a CSP violation, a JavaScript
// dialog or any HTTP response >= 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useVigil, vigil, addUser, expectStatus, newContext, newPage, screenshot,
  submit } from './harness.mjs';

const ANALYST = { email: 'ana@example.org', name: 'Ana Analyst',
  password: 'correct horse battery staple 42' };

let analyst = null;		// the signed-in analyst's browser context
let demoIds = [];		// tracking ids `vigil demo` created

// ---- helpers ---------------------------------------------------------------

// The state labels of the queue's rows.
async function rowStates(page) {
  return (await page.locator('#queue tbody .badge.state').allInnerTexts()).map((s) => s.trim());
}

// ---- server and browser ------------------------------------------------------

useVigil({
  name: 'staff',
  async seed() {
    const demo = await vigil(['demo']);
    demoIds = [...demo.matchAll(/demo case ([A-Z]+-\d{4}-\d+):/g)].map((m) => m[1]);
    assert.ok(demoIds.length > 0, `vigil demo created no case:\n${demo}`);
    await addUser({ ...ANALYST, role: 'analyst' }, ANALYST.password);
  },
  async ready() {
    analyst = await newContext();
  },
});

// ---- scenarios ---------------------------------------------------------------

test('1. the analyst signs in; a wrong password is refused', async () => {
  const { page, w } = await newPage(analyst, {
    allow: (m) => /status of (401|403)\b/.test(m.text()) &&
      ['/login', '/cases'].includes(new URL(m.location().url).pathname),
  });
  // The queue is not shown to a stranger: it sends them to sign in.
  let res = await page.goto('/cases?state=new');
  await page.locator('form.login').waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');
  // Regression: the query string was once lost on the way to sign in.
  assert.equal(await page.locator('input[name="next"]').inputValue(),
    '/cases?state=new', 'the sign-in form remembers where to go next');
  assert.equal(await page.locator('form.login input[name="csrf"]').count(), 1);
  await screenshot(page, '1-login');

  await page.fill('#login-email', ANALYST.email);
  await page.fill('#login-password', 'not the password');
  res = await submit(page, page, 'Sign in', '/login');
  assert.equal(res.status(), 401);
  await page.locator('#login-error').waitFor();
  assert.match(await page.locator('#login-error').innerText(), /\S/);
  assert.equal(await page.locator('#login-email').inputValue(), ANALYST.email,
    'the typed e-mail address is kept');
  assert.equal(await page.locator('#login-password').inputValue(), '',
    'the password is never sent back');
  await screenshot(page, '1-login-error');

  await page.fill('#login-password', ANALYST.password);
  res = await submit(page, page, 'Sign in', '/login');
  assert.equal(res.status(), 303);
  await page.waitForURL('**/cases?state=new');
  await page.locator('#queue').waitFor();
  assert.match(await page.locator('header.site').innerText(), new RegExp(ANALYST.name));
  await w.check();
});

test('2. the queue filters by state and by full-text search', async () => {
  const { page, w } = await newPage(analyst, {
    allow: expectStatus(400, '/cases'),
  });
  let res = await page.goto('/cases');
  assert.equal(res.status(), 200);
  const all = await page.locator('#queue tbody tr').count();
  assert.equal(all, demoIds.length, 'every demo case is listed');
  assert.match(await page.locator('#showing').innerText(), new RegExp(`of ${demoIds.length}$`));
  await screenshot(page, '2-queue');

  // The state links carry their counts.
  const newChip = page.locator('#state-links a', { hasText: /^New\b/ });
  const n = Number(await newChip.locator('.count').innerText());
  assert.ok(n > 0, 'the demo has new cases');
  await Promise.all([page.waitForURL('**/cases?state=new'), newChip.click()]);
  assert.equal(await page.locator('#queue tbody tr').count(), n);
  assert.ok((await rowStates(page)).every((s) => s === 'New'), 'only new cases');
  assert.equal(await newChip.getAttribute('aria-current'), 'page');

  // The filter form (GET): a state and a search with characters that mean
  // something to SQL, FTS5 and URLs.
  await page.selectOption('#f-state', 'open');
  await page.fill('#q', 'XSS');
  await Promise.all([page.waitForURL(/q=XSS/), page.getByRole('button', { name: 'Apply filters' }).click()]);
  const titles = await page.locator('#queue tbody td.title').allInnerTexts();
  assert.ok(titles.length >= 1 && titles.every((t) => /XSS/i.test(t)),
    `the search finds the XSS report only: ${titles}`);
  assert.equal(await page.locator('#q').inputValue(), 'XSS', 'the search is kept');
  assert.equal(await page.locator('#f-state').inputValue(), 'open');
  await screenshot(page, '2-queue-search');

  for (const q of ['"', 'a" OR "b', 'NEAR(x y)', '* ^ -', "'; DROP TABLE cases; --", '&page=2#x']) {
    res = await page.goto(`/cases?q=${encodeURIComponent(q)}`);
    assert.equal(res.status(), 200, `search ${q}`);
    assert.equal(await page.locator('#q').inputValue(), q);
  }
  res = await page.goto('/cases?q=zzzqqqxxx');
  assert.equal(res.status(), 200);
  await page.locator('#no-results').waitFor();

  // Every parameter is checked.
  for (const bad of ['state=bogus', 'severity=severe', 'channel=fax',
    'assignee=someone', 'overdue=yes', 'sort=random', 'page=0', 'page=1000000',
    `q=${'w '.repeat(11)}`]) {
    res = await page.goto(`/cases?${bad}`);
    assert.equal(res.status(), 400, `${bad} is refused`);
  }
  await w.check();
});

test('3. triage, a request for information, the researcher answers', async () => {
  const researcher = await newContext();
  try {
    // -- the researcher reports through the public form
    const { page: rp, w: rw } = await newPage(researcher);
    const title = 'Quokka parser overread in the EXIF block';
    await rp.goto('/report');
    await rp.fill('#f-reporter_name', 'Rita Researcher');
    await rp.fill('#f-reporter_email', 'rita@example.net');
    await rp.selectOption('#f-product', 'libtinyparse');
    await rp.fill('#f-versions', '1.4.2');
    await rp.selectOption('#f-impact', 'info_disclosure');
    await rp.fill('#f-title', title);
    await rp.fill('#f-description', 'Reading an EXIF block with a short count makes the parser read **past** the buffer.');
    await rp.check('input[name="publicly_known"][value="no"]');
    await rp.check('input[name="exploited"][value="no"]');
    let res = await submit(rp, rp, 'Send report', '/report');
    assert.equal(res.status(), 201);
    const trackingId = (await rp.locator('#tracking-id').innerText()).trim();
    const trackPath = new URL(await rp.locator('#track-url').inputValue()).pathname;
    await rw.check();

    // -- the analyst finds it in the queue by a word of its title
    const { page, w } = await newPage(analyst, {
      // The refused form below is answered with 422 on purpose.
      allow: expectStatus(422, `/cases/${trackingId}/transition`),
    });
    res = await page.goto('/cases?q=quokka&state=new');
    assert.equal(res.status(), 200);
    const link = page.locator('#queue td.tid a', { hasText: trackingId });
    assert.equal(await link.count(), 1, 'the new report is in the queue');
    await Promise.all([page.waitForURL(`**/cases/${trackingId}`), link.click()]);
    const casePath = `/cases/${trackingId}`;
    assert.equal((await page.locator('#case-title').innerText()).trim(), title);
    assert.equal((await page.locator('#state').innerText()).trim(), 'New');
    assert.equal(await page.locator('#description strong', { hasText: 'past' }).count(), 1,
      'the description is rendered Markdown');
    assert.match(await page.locator('#researcher').innerText(), /rita@example\.net/);
    assert.match(await page.locator('#timeline').innerText(), /Report received/);
    await screenshot(page, '3-case-new');

    // -- start triage
    res = await submit(page, page.locator('#t-triage'), 'Start triage', `${casePath}/transition`);
    assert.equal(res.status(), 303);
    await page.waitForURL(`**${casePath}#actions`);
    assert.equal((await page.locator('#state').innerText()).trim(), 'Triage');
    assert.match(await page.locator('#timeline').innerText(), /New → Triage/);

    // -- a reason of blanks is no reason: refused, shown by the form
    await page.fill('#reason-rejected', '   ');
    res = await submit(page, page.locator('#t-rejected'), 'Reject', `${casePath}/transition`);
    assert.equal(res.status(), 422);
    await page.locator('#t-error-rejected').waitFor();
    assert.match(await page.locator('#t-error-rejected').innerText(), /reason/i);
    assert.equal((await page.locator('#state').innerText()).trim(), 'Triage', 'nothing changed');

    // -- an internal note stays inside the team
    const note = 'Looks like CVE-2019-0001 all over again; do not tell the reporter yet.';
    await page.locator('#message-form input[name="kind"][value="note"]').check();
    await page.fill('#msg-body', note);
    res = await submit(page, page.locator('#message-form'), 'Send', `${casePath}/messages`);
    assert.equal(res.status(), 303);
    const noteItem = page.locator('#message-list li.message.internal', { hasText: 'CVE-2019-0001' });
    assert.equal(await noteItem.count(), 1);
    assert.match(await noteItem.locator('.internal-flag').textContent(),
      /Internal note — never shown to the researcher/);

    // -- request more information: a message plus needs_info
    const question = 'Which compiler flags did you use? Please attach the crashing file.';
    const form = page.locator('#request-info');
    assert.match(await form.locator('textarea').inputValue(), /more information/,
      'the request starts with a prepared text');
    await form.locator('textarea').fill(question);
    res = await submit(page, form, 'Request more information', `${casePath}/messages`);
    assert.equal(res.status(), 303);
    await page.locator('#state').waitFor();
    assert.equal((await page.locator('#state').innerText()).trim(), 'Needs information');
    assert.equal(await page.locator('#message-list li.message:not(.internal)', { hasText: 'compiler flags' }).count(), 1);
    assert.match(await page.locator('#timeline').innerText(), /Triage → Needs information/);
    assert.equal(await page.locator('#request-info').count(), 0,
      'no second request while waiting for an answer');
    await screenshot(page, '3-case-needs-info');
    await w.check();

    // -- the researcher opens the link, reads the question, answers
    const { page: rp2, w: rw2 } = await newPage(researcher);
    res = await rp2.goto(trackPath);
    assert.equal(res.status(), 200);
    await rp2.waitForURL(`**/track/${trackingId}`);
    const conv = await rp2.locator('ol.messages').innerText();
    assert.match(conv, /compiler flags/, 'the question reached the researcher');
    assert.doesNotMatch(conv, /CVE-2019-0001/, 'the internal note did not');
    assert.doesNotMatch(await rp2.content(), /do not tell the reporter/);
    await rp2.fill('#body', 'Plain `-O2 -fsanitize=address`; the file is attached.');
    await rp2.setInputFiles('#msg-files', { name: 'crash.exif', mimeType: 'application/octet-stream',
      buffer: Buffer.from('Exif\0\0MM\0*') });
    res = await submit(rp2, rp2, 'Send message', `/track/${trackingId}/messages`);
    assert.equal(res.status(), 303);
    await rw2.check();

    // -- the analyst sees the case back in triage, with the answer
    const { page: p2, w: w2 } = await newPage(analyst);
    res = await p2.goto(casePath);
    assert.equal(res.status(), 200);
    assert.equal((await p2.locator('#state').innerText()).trim(), 'Triage',
      'the answer moved the case back to triage');
    const answer = p2.locator('#message-list li.message.from-researcher', { hasText: 'fsanitize' });
    assert.equal(await answer.count(), 1);
    const file = answer.locator('a', { hasText: 'crash.exif' });
    const href = await file.getAttribute('href');
    assert.match(href, new RegExp(`^/cases/${trackingId}/attachments/\\d+$`));
    const dl = await analyst.request.get(href);
    assert.equal(dl.status(), 200);
    assert.match(dl.headers()['content-disposition'] ?? '', /^attachment;/);
    assert.equal(dl.headers()['content-type'], 'application/octet-stream');
    assert.ok((await dl.body()).equals(Buffer.from('Exif\0\0MM\0*')));
    assert.match(await p2.locator('#timeline').innerText(), /Needs information → Triage/);
    await screenshot(p2, '3-case-answered');
    await w2.check();
  } finally {
    await researcher.close();
  }
});

test('4. forms without the CSRF token are refused', async () => {
  const id = demoIds[demoIds.length - 1];
  const res = await analyst.request.post(`/cases/${id}/transition`, {
    form: { to: 'triage' }, maxRedirects: 0,
  });
  assert.equal(res.status(), 403);
  const page = await analyst.newPage();
  try {
    await page.goto(`/cases/${id}`);
    assert.equal((await page.locator('#state').innerText()).trim(), 'New', 'nothing changed');
  } finally {
    await page.close();
  }
});
