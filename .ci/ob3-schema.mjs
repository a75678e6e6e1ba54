// Validates a document against one of the reference harness's OB 3.0 JSON Schemas, chosen
// by name (its verify.js --schema always uses the AchievementCredential one):
//   ../shared/interop/run "$PWD/.ci/ob3-schema.mjs" FILE EndorsementCredential
// Runs inside the harness's folder, whose lib/schema.js holds the compiled schemas.
import fs from 'node:fs';
const {validateOb3} = await import(process.cwd() + '/lib/schema.js');
const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const r = validateOb3(doc, process.argv[3]);
console.log(JSON.stringify(r));
process.exit(r.valid ? 0 : 1);
