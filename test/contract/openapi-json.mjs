// docs/openapi.yaml -> docs/openapi.json (the form the binary embeds and serves).
//   node openapi-json.mjs YAML JSON          writes JSON
//   node openapi-json.mjs --check YAML JSON  exits 1 when JSON is not YAML's current form
// The output is deterministic: the YAML's key order, anchors expanded, 2-space indent.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const args = process.argv.slice(2);
const check = args[0] === '--check';
const [yamlPath, jsonPath] = check ? args.slice(1) : args;
if (!yamlPath || !jsonPath) {
  console.error('usage: openapi-json.mjs [--check] docs/openapi.yaml docs/openapi.json');
  process.exit(2);
}
// YAML 1.2 core schema, no merge keys; aliases are the shared header sets (no alias bombs here).
const doc = parse(readFileSync(yamlPath, 'utf8'), { maxAliasCount: -1, uniqueKeys: true });
const text = JSON.stringify(doc, null, 2) + '\n';
if (!check) {
  writeFileSync(jsonPath, text);
} else if (readFileSync(jsonPath, 'utf8') !== text) {
  console.error(`${jsonPath} is not the current form of ${yamlPath}; run tools/openapi-json.sh`);
  process.exit(1);
} else {
  console.log(`${jsonPath} matches ${yamlPath}`);
}
