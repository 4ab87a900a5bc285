// Validates manyi.yaml files against schemas/manyi.schema.json with a real
// JSON Schema validator, to keep the schema and the C loader in step:
//   examples/*/manyi.yaml and tests/data/config/valid/*.yaml must be valid;
//   tests/data/config/invalid/*.yaml must be rejected, except files marked
//   "# schema: skip" (problems a schema cannot express: duplicate keys,
//   anchors, references, missing files, YAML-level errors).
// YAML is read with the core schema so that dates and 09:00 stay strings,
// as the C loader reads them.
// Usage: node validate.mjs <source-dir>   (exit 0: all as expected)
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

const src = process.argv[2];
if (!src) {
  console.error('usage: node validate.mjs <source-dir>');
  process.exit(2);
}

const schema = JSON.parse(readFileSync(join(src, 'schemas/manyi.schema.json'), 'utf8'));
// Strict about the schema itself, except "required" inside if/then, which names
// properties defined beside it.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const yamlFiles = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => join(dir, f))
    : [];

const examples = readdirSync(join(src, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(src, 'examples', d.name, 'manyi.yaml'))
  .filter(existsSync);
const valid = [...examples, ...yamlFiles(join(src, 'tests/data/config/valid'))];
const invalid = yamlFiles(join(src, 'tests/data/config/invalid'));

let failures = 0;
const name = (f) => relative(src, f);
const fail = (f, why) => {
  failures++;
  console.log(`FAIL ${name(f)}: ${why}`);
};

function check(file) {
  const doc = yaml.load(readFileSync(file, 'utf8'), { schema: yaml.CORE_SCHEMA, filename: file });
  const ok = validate(doc === undefined ? null : doc);
  return { ok, errors: ajv.errorsText(validate.errors, { separator: '; ' }) };
}

for (const f of valid) {
  try {
    const { ok, errors } = check(f);
    if (ok) console.log(`ok   ${name(f)} is valid`);
    else fail(f, `should be valid, schema says: ${errors}`);
  } catch (err) {
    fail(f, `should be valid, YAML error: ${err.message.split('\n')[0]}`);
  }
}

for (const f of invalid) {
  if (/^# schema: skip\b/m.test(readFileSync(f, 'utf8'))) {
    console.log(`skip ${name(f)} (not a schema-level problem)`);
    continue;
  }
  try {
    const { ok, errors } = check(f);
    if (ok) fail(f, 'should be rejected by the schema (or marked "# schema: skip")');
    else console.log(`ok   ${name(f)} is rejected: ${errors}`);
  } catch (err) {
    const first = err.message.split('\n')[0];
    fail(f, `YAML error, not a schema rejection (mark it "# schema: skip"?): ${first}`);
  }
}

const total = valid.length + invalid.length;
console.log(failures ? `${failures} failure(s)` : `all ${total} files as expected`);
process.exit(failures ? 1 : 0);
