// `valid` bounds that are expressions over earlier fields, a rule naming the field itself, and
// `valid` on a parse instance (fixture: fixtures/features/valid_bounds.ksy; its C# is checked by
// the .NET test project): twinmap accepts and refuses the same bytes as Kaitai's own parser.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { ValidBounds } from './fixtures/features/ts/valid_bounds.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'valid_bounds.ksy')))['ValidBounds']!;
});

/** The fields and the instance, or 'fails'. */
function read(parse: () => Record<string, unknown>): unknown {
  try {
    const v = parse();
    return ['version', 'minVersion', 'len', 'hasMore', 'rest', 'first'].map((n) => v[n]);
  } catch {
    return 'fails';
  }
}

describe('valid with bounds over other fields', () => {
  it.each([
    ['within every bound', '03020480', 'reads'],
    ['min_version above version', '03040480', 'fails'],
    ['len above version * 2', '03020780', 'fails'],
    ['len under its computed min', '04020180', 'fails'],
    ['has_more set in version 9', '09020480', 'fails'],
    ['has_more clear in version 9', '09020400', 'reads'],
    ['an instance whose valid fails (read when used)', '03030480', 'fails'],
  ])('%s: as Kaitai', (_name, hex, outcome) => {
    const bytes = Buffer.from(hex, 'hex');
    const ours = read(() => ValidBounds.decode(bytes) as unknown as Record<string, unknown>);
    expect(ours).toEqual(read(() => kaitaiParse(kaitai, bytes)));
    expect(ours === 'fails' ? 'fails' : 'reads').toBe(outcome);
  });

  it('names the field and its rule', () => {
    expect(() => ValidBounds.decode(Buffer.from('03040480', 'hex'))).toThrow(/minVersion.*version/);
    expect(() => ValidBounds.decode(Buffer.from('03030480', 'hex')).first).toThrow(/first.*kind::v2/);
  });
});
