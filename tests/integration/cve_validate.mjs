// cve_validate.mjs — checks CVE records against the bundled CVE JSON 5.x
// schema (draft-07), read in place from tests/data/cve-schema/
// CVE_Record_Format_bundled.json next to the repository root, or from the
// file named by $CVE_SCHEMA.
//
// Ajv (draft-07) + ajv-formats, strict:false, allErrors:true and
// multipleOfPrecision:6 (the CVSS v4 schema's multipleOf 0.1 rejects 8.7
// and friends under plain float division).
//
// usage: node tests/integration/cve_validate.mjs FILE|DIR ...
//   (a DIR stands for the *.json files directly inside it)
// Prints one line per file (+ its errors), ends with "N passed, M failed",
// exits 1 when a file failed or nothing was checked, 2 when the schema
// is missing (it ships in tests/data).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const schemaPath = process.env.CVE_SCHEMA ||
  join(repo, 'tests', 'data', 'cve-schema',
    'CVE_Record_Format_bundled.json')

if (!existsSync(schemaPath)) {
  console.log(`FAIL: CVE schema not found at ${schemaPath} (set CVE_SCHEMA)`)
  process.exit(2)
}
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'))
if (schema.$schema && !schema.$schema.includes('draft-07')) {
  console.error(`unexpected schema dialect ${schema.$schema}`)
  process.exit(2)
}
const ajv = new Ajv({ strict: false, allErrors: true, multipleOfPrecision: 6 })
addFormats(ajv)
const validate = ajv.compile(schema)
// Only for messages: the same schema with the Published branch alone, so a
// published record's errors are not buried under the Rejected branch's.
const publishedOnly = Array.isArray(schema.oneOf)
  ? new Ajv({ strict: false, allErrors: true, multipleOfPrecision: 6 })
  : null
let validatePublished = null
if (publishedOnly) {
  addFormats(publishedOnly)
  const s = { ...schema, oneOf: undefined, ...schema.oneOf.find((b) =>
    b.title === 'Published') }
  delete s.title
  validatePublished = publishedOnly.compile(s)
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

const args = process.argv.slice(2)
if (args.length === 0) {
  console.error('usage: cve_validate.mjs FILE|DIR ...')
  process.exit(2)
}
console.log(`schema ${schemaPath}`)
let passed = 0
let failed = 0
for (const file of expand(args)) {
  let errors = []
  try {
    const rec = JSON.parse(readFileSync(file, 'utf8'))
    if (!validate(rec)) {
      let errs = validate.errors
      if (validatePublished && rec?.cveMetadata?.state === 'PUBLISHED' &&
        !validatePublished(rec))
        errs = validatePublished.errors
      errors = errs.map((e) =>
        `${e.instancePath || '/'} ${e.message}` +
        (e.params && Object.keys(e.params).length
          ? ` ${JSON.stringify(e.params)}` : '') +
        ` (${e.schemaPath})`)
    }
  } catch (e) {
    errors = [`unreadable JSON: ${e.message}`]
  }
  console.log(`${errors.length === 0 ? 'PASS' : 'FAIL'} ${file}`)
  for (const e of errors.slice(0, 40)) console.log(`  error ${e}`)
  if (errors.length > 40) console.log(`  ... ${errors.length - 40} more`)
  if (errors.length === 0) passed++
  else failed++
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
