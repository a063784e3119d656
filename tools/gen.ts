// `npm run gen`: regenerates the committed codecs of every spec set (tools/spec-sets.ts).
// `npm run gen -- --check` writes nothing and fails if any committed file is stale (CI).
import { generate, generateFiles } from '../ts/gen/index.js';
import { repoRoot as root } from '../ts/test-support/repo-root.js';
import { genOptions, specFiles, specSets } from './spec-sets.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const check = process.argv.includes('--check');
process.chdir(root);
let stale = 0;
for (const set of specSets) {
  const specs = specFiles(root, set);
  const options = genOptions(set);
  if (!check) {
    const written = await generate(specs, options);
    console.log(`${set.name}: ${specs.length} spec(s) -> ${written.length} file(s)`);
    continue;
  }
  for (const f of await generateFiles(specs, options)) {
    let onDisk: string | undefined;
    try {
      onDisk = readFileSync(join(root, f.path), 'utf8');
    } catch {
      onDisk = undefined;
    }
    if (onDisk !== f.text) {
      console.error(`${f.path} is ${onDisk === undefined ? 'missing' : 'stale'}: run npm run gen`);
      stale++;
    }
  }
}
if (check) console.log(stale === 0 ? 'generated code is up to date' : `${stale} generated file(s) out of date`);
process.exit(stale === 0 ? 0 : 1);
