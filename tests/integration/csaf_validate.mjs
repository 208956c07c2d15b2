// csaf_validate.mjs — checks CSAF 2.0 documents with the OASIS rules as
// implemented by @secvisogram/csaf-validator-lib:
//   * the strict JSON schema (csaf_2_0_strict) and every mandatory test
//     (the library's "basic" preset: mandatory minus 6.1.8, which the
//     schema test covers) decide pass/fail;
//   * the optional tests (6.2.x) run too; their findings are printed as
//     warnings and do not fail a file;
//   * the file name must follow CSAF §5.1 for the document's tracking.id
//     (lower-case, runs outside [+-a-z0-9] -> "_", ".json").
//
// usage: node tests/integration/csaf_validate.mjs FILE|DIR ...
//   (a DIR stands for the *.json files directly inside it)
// Prints one line per file (+ its errors), ends with "N passed, M failed",
// exits 1 when a file failed or nothing was checked.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import * as basic from '@secvisogram/csaf-validator-lib/basic.js'
import * as optional from '@secvisogram/csaf-validator-lib/optionalTests.js'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'

export function csafFilename(id) {
  return id.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_') + '.json'
}

function expand(args) {
  const files = []
  for (const a of args) {
    if (statSync(a).isDirectory()) {
      for (const f of readdirSync(a).sort())
        if (f.endsWith('.json')) files.push(join(a, f))
    } else files.push(a)
  }
  return files
}

function fmt(m) {
  return `${m.instancePath || '/'}: ${m.message}`
}

async function checkFile(file) {
  let doc
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    return { ok: false, errors: [`unreadable JSON: ${e.message}`], warnings: [] }
  }
  const errors = []
  const warnings = []
  const res = await validateStrict(Object.values(basic), doc)
  for (const t of res.tests) {
    for (const e of t.errors) errors.push(`${t.name} ${fmt(e)}`)
    for (const w of t.warnings) warnings.push(`${t.name} ${fmt(w)}`)
  }
  if (!res.isValid && errors.length === 0) errors.push('invalid (no message)')
  const opt = await validateStrict(Object.values(optional), doc)
  for (const t of opt.tests)
    for (const m of [...t.errors, ...t.warnings])
      warnings.push(`${t.name} ${fmt(m)}`)
  const id = doc?.document?.tracking?.id
  if (typeof id === 'string' && basename(file) !== csafFilename(id))
    errors.push(`file name should be ${csafFilename(id)} (CSAF 5.1)`)
  return { ok: res.isValid && errors.length === 0, errors, warnings }
}

const args = process.argv.slice(2)
if (args.length === 0) {
  console.error('usage: csaf_validate.mjs FILE|DIR ...')
  process.exit(2)
}
let passed = 0
let failed = 0
for (const file of expand(args)) {
  const r = await checkFile(file)
  console.log(`${r.ok ? 'PASS' : 'FAIL'} ${file}` +
    (r.warnings.length ? ` (${r.warnings.length} warnings)` : ''))
  for (const e of r.errors) console.log(`  error   ${e}`)
  for (const w of r.warnings) console.log(`  warning ${w}`)
  if (r.ok) passed++
  else failed++
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
