// Single-byte code pages (fixture: fixtures/features/code_pages.ksy): DOS (IBM437 under its alias
// cp437, IBM866), KOI8-R, windows-874 and ISO-8859-15 decode as Kaitai's parser reads them, encode
// back to the same bytes, and a character a code page lacks is an EncodeError naming the field.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { EncodeError } from './runtime/twinmap-runtime.js';
import { CodePages } from './fixtures/features/ts/code_pages.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'code_pages.ksy');
let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['CodePages']!;
});

const every = Uint8Array.from({ length: 256 }, (_, b) => b);
// dos "Çü░╬αß²■" (80 81 b0 ce e0 e1 fd fe), dos_cyrillic "Привет" (IBM866), koi "мир" (KOI8-R),
// thai "ไทย" (windows-874), latin "€Šž" (ISO-8859-15: a4 a6 b8), then all 256 bytes as IBM437.
const sample = Uint8Array.of(
  0x80, 0x81, 0xb0, 0xce, 0xe0, 0xe1, 0xfd, 0xfe,
  0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2, 0,
  0xcd, 0xc9, 0xd2, 0,
  0xe4, 0xb7, 0xc2, 0,
  3, 0xa4, 0xa6, 0xb8,
  ...every,
);

describe('single-byte code pages', () => {
  it('decode as Kaitai reads them (every byte of IBM437) and encode back to the same bytes', () => {
    const v = CodePages.decode(sample);
    expect(v).toMatchObject({ dos: 'Çü░╬αß²■', dosCyrillic: 'Привет', koi: 'мир', thai: 'ไทย', latin: '€Šž' });
    // Control bytes are the same code points (as in Kaitai's other runtimes), 0xff is a no-break space.
    expect([...v.allDos.slice(0, 0x80)].map((c) => c.charCodeAt(0))).toEqual([...every.slice(0, 0x80)]);
    expect(v.allDos.charCodeAt(255)).toBe(0xa0);
    const k = kaitaiParse(kaitai, sample) as Record<string, unknown>;
    for (const f of ['dos', 'dosCyrillic', 'koi', 'thai', 'latin', 'allDos'] as const) expect(k[f]).toBe(v[f]);
    expect(Buffer.from(CodePages.encode(v)).equals(Buffer.from(sample))).toBe(true);
  });

  it('a character the code page lacks is an EncodeError naming the field', () => {
    const v = CodePages.decode(sample);
    const fails = (patch: Partial<typeof v>): EncodeError => {
      try {
        CodePages.encode({ ...v, ...patch });
      } catch (e) {
        return e as EncodeError;
      }
      throw new Error('encoded');
    };
    expect(fails({ koi: 'Ω' })).toBeInstanceOf(EncodeError);
    expect(fails({ koi: 'Ω' }).message).toBe('CodePages.koi: character U+03a9 is not in KOI8-R');
    expect(fails({ dos: 'ÇüЖ░╬αß²' }).message).toBe('CodePages.dos: character U+0416 is not in IBM437');
    expect(fails({ latin: '¤' }).message).toBe('CodePages.latin: character U+00a4 is not in ISO-8859-15');
  });
});
