// Generated names that meet (enums of the same id in two types, a field named like its type) and
// conditions on a flag inside an earlier field, checked against Kaitai's own parser
// (fixture: fixtures/features/shared_names.ksy; its C# is compiled by the .NET test project).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { Mode, ModeBMode, SharedNames } from './fixtures/features/ts/shared_names.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'shared_names.ksy')))['SharedNames']!;
});

describe('names and dotted conditions', () => {
  it('gives the second enum named `mode` its owner in its name', () => {
    expect(Mode.OFF).toBe(2);
    expect(ModeBMode.FAST).toBe(7);
  });

  it('reads a field only when a flag inside an earlier field is set, as Kaitai does', () => {
    const on = { header: { flags: { hasProm: true, rest: 3 } }, prom: { data: 0x0102 }, a: { m: Mode.ON }, b: { m: ModeBMode.FAST } };
    const bytes = SharedNames.encode(on);
    expect(Buffer.from(bytes).toString('hex')).toBe('8302010107');
    expect(SharedNames.decode(bytes)).toEqual(on);
    const k = kaitaiParse(kaitai, bytes) as { prom: { data: number } };
    expect(k.prom.data).toBe(0x0102);

    const off = { header: { flags: { hasProm: false, rest: 3 } }, a: { m: Mode.OFF }, b: { m: ModeBMode.FAST } };
    const short = SharedNames.encode(off);
    expect(Buffer.from(short).toString('hex')).toBe('030207');
    expect(SharedNames.decode(short)).toEqual(off);
    expect((kaitaiParse(kaitai, short) as { prom?: unknown }).prom).toBeUndefined();
  });
});
