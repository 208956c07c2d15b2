// tests/integration/cvss_diff.mjs - differential test of src/core/cvss.c
// against the npm package ae-cvss-calculator (STANDARDS.md §4.2: it equals
// FIRST's epsilon calculator on every v4.0 base vector and on 100,000
// random BTE vectors; scores only, as it is lenient about syntax).
//
//   cd tests && npm install
//   node tests/integration/cvss_diff.mjs PATH/TO/cvss_diff_main [N] [SEED]
//
// Generates N random valid vectors of each version (default 10000) from a
// fixed seed, with random temporal/threat, environmental and (v4.0)
// supplemental metrics, explicit X included, and v3.1 metrics sometimes
// shuffled (§3: any order is valid).  Scores them with ae and with the C
// program and compares, for v3.1, base / temporal / environmental and, for
// v4.0, CVSS-B / CVSS-BT / the full vector's score.  Exits 1 listing the
// mismatches; prints "N passed, M failed" last.
//
// Known, deliberate difference, not compared here: ae (and STANDARDS.md
// §3) give no v3.1 environmental score without environmental metrics; the
// C code then reports the temporal score, while FIRST's cvsscalc31.js
// would compute the modified-impact formula anyway (see cvss.c).
import { spawnSync } from 'node:child_process';
import ae from 'ae-cvss-calculator';

const { Cvss3P1, Cvss4P0 } = ae;

const prog = process.argv[2];
const N = Number(process.argv[3] ?? 10000);
const SEED = Number(process.argv[4] ?? 20240601);
if (!prog || !Number.isInteger(N) || N < 1) {
	console.error('usage: node cvss_diff.mjs CVSS_DIFF_MAIN [N] [SEED]');
	process.exit(2);
}

// mulberry32: small, seedable, good enough to pick metric values.
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const rand = rng(SEED);
const pick = (a) => a[Math.floor(rand() * a.length)];

// [name, values, group]; group b = base, t = temporal/threat,
// e = environmental, s = supplemental.  Specification order.
const M31 = [
	['AV', 'NALP', 'b'], ['AC', 'LH', 'b'], ['PR', 'NLH', 'b'],
	['UI', 'NR', 'b'], ['S', 'UC', 'b'], ['C', 'HLN', 'b'],
	['I', 'HLN', 'b'], ['A', 'HLN', 'b'],
	['E', 'XHFPU', 't'], ['RL', 'XUWTO', 't'], ['RC', 'XCRU', 't'],
	['CR', 'XHML', 'e'], ['IR', 'XHML', 'e'], ['AR', 'XHML', 'e'],
	['MAV', 'XNALP', 'e'], ['MAC', 'XLH', 'e'], ['MPR', 'XNLH', 'e'],
	['MUI', 'XNR', 'e'], ['MS', 'XUC', 'e'], ['MC', 'XNLH', 'e'],
	['MI', 'XNLH', 'e'], ['MA', 'XNLH', 'e'],
];
const M40 = [
	['AV', 'NALP', 'b'], ['AC', 'LH', 'b'], ['AT', 'NP', 'b'],
	['PR', 'NLH', 'b'], ['UI', 'NPA', 'b'], ['VC', 'HLN', 'b'],
	['VI', 'HLN', 'b'], ['VA', 'HLN', 'b'], ['SC', 'HLN', 'b'],
	['SI', 'HLN', 'b'], ['SA', 'HLN', 'b'],
	['E', 'XAPU', 't'],
	['CR', 'XHML', 'e'], ['IR', 'XHML', 'e'], ['AR', 'XHML', 'e'],
	['MAV', 'XNALP', 'e'], ['MAC', 'XLH', 'e'], ['MAT', 'XNP', 'e'],
	['MPR', 'XNLH', 'e'], ['MUI', 'XNPA', 'e'], ['MVC', 'XNLH', 'e'],
	['MVI', 'XNLH', 'e'], ['MVA', 'XNLH', 'e'], ['MSC', 'XNLH', 'e'],
	['MSI', 'XNLHS', 'e'], ['MSA', 'XNLHS', 'e'],
	['S', 'XNP', 's'], ['AU', 'XNY', 's'], ['R', 'XAUI', 's'],
	['V', 'XDC', 's'], ['RE', 'XLMH', 's'],
	['U', ['X', 'Clear', 'Green', 'Amber', 'Red'], 's'],
];

// Each vector draws which optional groups it uses, then each metric of a
// used group with probability 1/2, so that base-only, one-group and
// all-group vectors are all common.
function gen(prefix, table, shuffle) {
	const use = { b: true, t: rand() < 0.5, e: rand() < 0.5, s: rand() < 0.5 };
	const parts = [];
	for (const [name, values, group] of table) {
		if (group !== 'b' && (!use[group] || rand() < 0.5))
			continue;
		parts.push(`${name}:${pick([...values])}`);
	}
	if (shuffle && rand() < 0.25) {
		for (let i = parts.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[parts[i], parts[j]] = [parts[j], parts[i]];
		}
	}
	return `${prefix}/${parts.join('/')}`;
}

const f1 = (x) => (x === undefined ? 'undefined' : Number(x).toFixed(1));

function expect31(v) {
	const s = new Cvss3P1(v).calculateScores();
	return [s.base, s.temporal ?? s.base,
	    s.environmental ?? s.temporal ?? s.base].map(f1);
}

function expect40(v) {
	const s = new Cvss4P0(v).calculateScores();
	return [s.baseMetricsOnly, s.threat ?? s.baseMetricsOnly, s.overall]
	    .map(f1);
}

const vectors = [];
for (let i = 0; i < N; i++)
	vectors.push(gen('CVSS:3.1', M31, true));
for (let i = 0; i < N; i++)
	vectors.push(gen('CVSS:4.0', M40, false));

const run = spawnSync(prog, [], {
	input: vectors.join('\n') + '\n',
	maxBuffer: 256 * 1024 * 1024,
	encoding: 'utf8',
});
if (run.error || run.status !== 0) {
	console.error(`${prog}: ${run.error ?? `exit ${run.status}`}`);
	console.error(run.stderr);
	process.exit(2);
}
const lines = run.stdout.split('\n').filter((l) => l.length > 0);
if (lines.length !== vectors.length) {
	console.error(`expected ${vectors.length} output lines, got ${lines.length}`);
	process.exit(2);
}

let passed = 0;
const failed = [];
const perVersion = { '3.1': [0, 0], '4.0': [0, 0] };
for (let i = 0; i < vectors.length; i++) {
	const v = vectors[i];
	const ver = v.startsWith('CVSS:3.1/') ? '3.1' : '4.0';
	const got = lines[i].split('\t');
	let want;
	try {
		want = ver === '3.1' ? expect31(v) : expect40(v);
	} catch (e) {
		want = [`ae threw: ${e.message}`];
	}
	const ok = got[0] === v && got.length === 4 &&
	    want.length === 3 && want.every((w, k) => w === got[k + 1]);
	if (ok) {
		passed++;
		perVersion[ver][0]++;
	} else {
		failed.push(`${v}\n    C:  ${got.slice(1).join(' ')}\n    ae: ${want.join(' ')}`);
		perVersion[ver][1]++;
	}
}

for (const f of failed.slice(0, 100))
	console.log(`MISMATCH ${f}`);
if (failed.length > 100)
	console.log(`... and ${failed.length - 100} more`);
for (const [ver, [p, f]] of Object.entries(perVersion))
	console.log(`CVSS ${ver}: ${p} passed, ${f} failed`);
console.log(`${passed} passed, ${failed.length} failed`);
process.exit(failed.length > 0 ? 1 : 0);
