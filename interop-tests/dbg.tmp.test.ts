import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { inspect } from 'node:util';
import { decodeNrbf, NrbfObject } from '/work/wt/nrbf/ts/index.js';
it('dbg', () => {
  for (const name of (process.env['SHAPES'] ?? '').split(',')) {
    const v = decodeNrbf(readFileSync(`/tmp/nrbf-corpus/${name}.bin`));
    console.log(name, inspect(v, { depth: 4, breakLength: 200 }).slice(0, 4000));
  }
});
