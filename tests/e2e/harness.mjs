// tests/e2e/harness.mjs - what the browser end-to-end tests (*.test.mjs in
// this folder) share: a fresh SQLite database in a temporary directory, the
// server (`vigil serve` on 127.0.0.1:0, with the repository root as the
// working directory, so that templates/ and static/ are found) and Debian's
// Chromium driven with playwright-core, started before a file's scenarios
// and stopped after them; pages watched for everything a scenario must not
// see (console errors it did not provoke on purpose, uncaught page errors,
// CSP violations, JavaScript dialogs, HTTP responses >= 500, sanitizer
// reports of the server); sign-in and the API with a bearer token.
//
// A test file calls useVigil() once, at its top level, with what it puts in
// the database (`seed`) and what differs from the other files; the state
// below (origin, serverLog, ...) is exported as live bindings, so that a
// scenario reads the current value.  node --test runs each file in a
// process of its own, and so with a harness of its own.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const VIGIL = process.env.VIGIL ? path.resolve(process.env.VIGIL) : '';
const SHOTS = process.env.E2E_SCREENSHOTS || '';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

let tmp = '';			// the temporary directory, removed at the end
export let dbFile = '';		// the SQLite database in it
let db = '';			// sqlite:<dbFile>, for --db
let env = {};			// the environment of every vigil command
export let server = null;	// the `vigil serve` child process
export let serverLog = '';	// its stdout + stderr, shown when something fails
export let origin = '';		// http://127.0.0.1:PORT
let browser = null;

// What a file may set through useVigil(); these are the defaults.
const settings = {
  name: '',			// prefix of the temporary directory and the screenshots
  stepTimeout: 10_000,		// ms, any single wait in the browser
  commandTimeout: 20_000,	// ms, a command run()
  contextOptions: {},		// of every browser context, over newContext()'s own
  // What in serverLog fails w.check(): a sanitizer report, or an error
  // line as src/util/log.c prints it ("vigil[error] ...").
  serverProblems: /runtime error:|AddressSanitizer|vigil\[error\]/,
};

// Registers the hooks of a test file: before its scenarios, a temporary
// directory with an empty database, `await seed()` to fill it (vigil demo,
// accounts, tokens, ...), the server, the browser and `await ready()` (sign
// in, say); after them, both stopped and the directory removed.  (Node 20
// runs a file's top-level before() hooks at the same time, not one after
// the other: hence ready() rather than a second hook.)
export function useVigil({ seed = async () => {}, ready = async () => {}, ...options } = {}) {
  Object.assign(settings, options);
  before(async () => {
    assert.ok(VIGIL, 'set VIGIL to the path of the vigil binary, e.g. ' +
      'VIGIL=build/vigil node --test tests/e2e/');
    tmp = await mkdtemp(path.join(tmpdir(), `vigil-e2e-${prefix()}`));
    dbFile = path.join(tmp, 'e2e.db');
    db = `sqlite:${dbFile}`;
    env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=0' };
    await seed();
    await startServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS, timeout: 20_000 });
    await ready();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await stopServer();
    if (tmp)
      await rm(tmp, { recursive: true, force: true });
  });
}

// "name-", or nothing for a file without a name.
function prefix() {
  return settings.name ? `${settings.name}-` : '';
}

// ---- commands ----------------------------------------------------------------

// Runs a command; resolves with its stdout, rejects with both outputs.
// opts.input is written to its stdin.
export function run(file, args, opts = {}) {
  const { input, ...rest } = opts;
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: settings.commandTimeout, ...rest },
      (err, stdout, stderr) => {
        if (err) {
          err.message += `\nstdout:\n${stdout}\nstderr:\n${stderr}`;
          reject(err);
        } else {
          resolve(stdout);
        }
      });
    if (input !== undefined)
      child.stdin.end(input);
  });
}

// `vigil --db DB ARGS...` in the repository root.
export function vigil(args, opts = {}) {
  return run(VIGIL, ['--db', db, ...args], { cwd: REPO, env, ...opts });
}

// `vigil user add` for u = { email, name, role }, with a password.
export function addUser(u, password) {
  return vigil(['user', 'add', '--email', u.email, '--name', u.name,
    '--role', u.role, '--password-stdin'], { input: `${password}\n` });
}

// A new API token of the user with this e-mail address.
export async function createToken(email) {
  const out = await vigil(['token', 'create', '--user', email, '--name', 'e2e']);
  return out.trim().split(/\s+/).pop();
}

// `vigil demo`, asserting that it set up the patch testing of libtinyparse.
export async function demoWithPatchTesting() {
  const demo = await vigil(['demo']);
  assert.match(demo, /demo patch testing/, `vigil demo set up no patch testing ` +
    `(is demo/tinyparse there?):\n${demo}`);
}

// ---- the team and the demo's fix -----------------------------------------------

export const PASSWORD = 'correct horse battery staple 42';
// One account of each role a case passes through (addUser()).
export const USERS = {
  engineer: { email: 'eng@example.org', name: 'Erin Engineer', role: 'engineer' },
  tester: { email: 'tess@example.org', name: 'Tess Tester', role: 'tester' },
  rm: { email: 'rm@example.org', name: 'Rhea Release', role: 'release_manager' },
  analyst: { email: 'ana@example.org', name: 'Ana Analyst', role: 'analyst' },
};
// The demo's correct patch of libtinyparse 1.4.2 and the proof of concept
// it fixes.
export const PATCH = path.join(REPO, 'demo', 'tinyparse', 'patches', 'correct.diff');
export const POC = path.join(REPO, 'demo', 'tinyparse', 'poc', 'long-name.txt');

// ---- the server ----------------------------------------------------------------

async function startServer() {
  server = spawn(VIGIL, ['--db', db, 'serve', '--listen', '127.0.0.1:0'],
    { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.setEncoding('utf8');
  server.stderr.setEncoding('utf8');
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const port = await waitListening(server);
  origin = `http://127.0.0.1:${port}`;
}

// Resolves with the port once the server prints "listening on ADDR:PORT".
function waitListening(child) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error(
      'vigil serve did not print "listening on" within 15 s')), 15_000);
    function fail(err) {
      clearTimeout(timer);
      reject(new Error(`${err.message}\nserver output:\n${serverLog}`));
    }
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('error', fail);
    child.once('exit', (code, sig) => fail(new Error(
      `vigil serve exited early (code ${code}, signal ${sig})`)));
  });
}

// SIGTERM, and SIGKILL if it has not exited 5 s later.
async function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const t = setTimeout(() => server.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
}

// ---- the browser -------------------------------------------------------------

// An expected error status of the main document (Chromium logs "Failed to
// load resource: ... status of NNN" for it) at a given path.
export function expectStatus(status, pathname) {
  return (m) => new RegExp(`status of ${status}\\b`).test(m.text()) &&
    new URL(m.location().url).pathname === pathname;
}

// Watches a page for everything a scenario must not see.  allow(msg) may
// excuse a console error the scenario itself provokes (see expectStatus).
function watch(page, { allow = () => false } = {}) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !allow(msg))
      problems.push(`console error: ${msg.text()} (at ${page.url()})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`unexpected ${d.type()} dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('response', (res) => {
    if (res.status() >= 500)
      problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    // A page's script may still be fetching (the report form's /assess, say)
    // when a form navigates away; a request aborted that way is not a
    // server problem.
    const f = req.failure()?.errorText ?? '';
    if (!/ERR_ABORTED/.test(f))
      problems.push(`request failed: ${req.method()} ${req.url()}: ${f}`);
  });
  page.on('crash', () => problems.push('page crashed'));
  return {
    problems,
    async check() {
      // Flush CSP reports that are still in flight from the page.
      await page.evaluate(() => 0).catch(() => {});
      assert.deepEqual(problems, [], `browser problems:\n  ${problems.join('\n  ')}`);
      assert.doesNotMatch(serverLog, settings.serverProblems,
        `the server reported a problem:\n${serverLog}`);
    },
  };
}

// A fresh context whose pages report CSP violations to `problems` of the
// page's watcher (set through page.__problems).
export async function newContext(opts = {}) {
  const ctx = await browser.newContext({ ...opts, baseURL: origin, ...settings.contextOptions });
  ctx.setDefaultTimeout(settings.stepTimeout);
  ctx.setDefaultNavigationTimeout(settings.stepTimeout);
  await ctx.exposeBinding('__vigilCspViolation', ({ page }, v) => {
    page.__problems?.push(`CSP violation: ${v.directive} blocked ` +
      `${v.blocked || '(inline)'} in ${v.source}:${v.line} (at ${v.url})`);
  });
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__vigilCspViolation({ directive: e.violatedDirective,
        blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber,
        url: document.location.href });
    });
  });
  return ctx;
}

// A new page of ctx and its watcher ({ allow } as for watch()).
export async function newPage(ctx, opts) {
  const page = await ctx.newPage();
  const w = watch(page, opts);
  page.__problems = w.problems;
  return { page, w };
}

// With E2E_SCREENSHOTS=DIR, the whole page as DIR/<name>-<shot>.png.
export async function screenshot(page, shot) {
  if (!SHOTS)
    return;
  await mkdir(SHOTS, { recursive: true });
  // A sticky side column is drawn in place only from the top.
  await page.evaluate(() => window.scrollTo(0, 0)).catch(() => {});
  await page.screenshot({ path: path.join(SHOTS, `${prefix()}${shot}.png`), fullPage: true });
}

// Clicks a submit button (within `scope`, a page or a locator) and returns
// the response of the POST it sends to `action`.
export async function submit(page, scope, buttonName, action) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' &&
      new URL(r.url()).pathname === action && r.request().isNavigationRequest()),
    scope.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return res;
}

// A new context signed in through /login; `who` names the user in the
// assertion's message.
export async function signIn(email, password, who) {
  const ctx = await newContext();
  const { page, w } = await newPage(ctx);
  await page.goto('/login');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  const res = await submit(page, page, 'Sign in', '/login');
  assert.equal(res.status(), 303, `${who} signs in`);
  await w.check();
  await page.close();
  return ctx;
}

// ---- the API -----------------------------------------------------------------

// A request to the API with a bearer token: { status, json (or null), text }.
export async function apiRequest(token, method, pathname, body) {
  const res = await fetch(origin + pathname, {
    method,
    headers: { Authorization: `Bearer ${token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}
