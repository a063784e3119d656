// Value instances of another type used in a size and a condition (`header.len_body`): generated
// code computes them from the fields they are made of, so values built for encode (which have no
// instances) still encode; checked against Kaitai's own parser
// (fixture: fixtures/features/instance_refs.ksy; its C# is compiled by the .NET test project).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { InstanceRefs } from './fixtures/features/ts/instance_refs.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'instance_refs.ksy')))['InstanceRefs']!;
});

describe("another type's value instances in sizes and conditions", () => {
  it('sizes a field by header.len_body and reads crc when header.has_crc, as Kaitai does', () => {
    const v = { header: { numWords: 2, flags: 0x81 }, body: Uint8Array.of(1, 2, 3, 4, 5), crc: 0x01020304 };
    const bytes = InstanceRefs.encode(v);
    expect(Buffer.from(bytes).toString('hex')).toBe('0281010203040504030201');
    const d = InstanceRefs.decode(bytes);
    expect([d.header.lenBody, d.header.hasCrc, d.body, d.crc]).toEqual([5, true, v.body, 0x01020304]);
    const k = kaitaiParse(kaitai, bytes) as { body: Uint8Array; crc: number; header: { lenBody: number } };
    expect([k.header.lenBody, Uint8Array.from(k.body), k.crc]).toEqual([5, v.body, 0x01020304]);

    const plain = InstanceRefs.encode({ header: { numWords: 1, flags: 0 }, body: Uint8Array.of(9, 9) });
    expect(Buffer.from(plain).toString('hex')).toBe('01000909');
    expect((kaitaiParse(kaitai, plain) as { crc?: number }).crc).toBeUndefined();
  });

  it('refuses a body whose length the header does not give, naming the field', () => {
    expect(() => InstanceRefs.encode({ header: { numWords: 1, flags: 0 }, body: Uint8Array.of(1, 2, 3) })).toThrow(/body.*3 bytes.*2/);
    expect(() => InstanceRefs.decode(Uint8Array.of(3, 0, 1))).toThrow(/body/);
  });
});
