// `field._sizeof`, `_root.field._sizeof` and `enum::member.to_i` in expressions of generated code, checked against
// Kaitai's own parser on the same bytes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { generateFiles, SpecError } from './index.js';

const scratch = mkdtempSync(join(tmpdir(), 'twinmap-sizeof-'));
const ksy = join(scratch, 'sound.ksy');
writeFileSync(
  ksy,
  `meta:
  id: sound
  endian: le
seq:
  - id: magic
    contents: [0x53, 0x44]
  - id: channels
    type: u1
    valid:
      min: 1
      max: 8
  - id: mode
    type: u2
    valid:
      any-of: [15, 16, 17]
  - id: len_total
    type: u4
  - id: hdr
    type: hdr
  - id: body
    size: len_total - magic._sizeof - len_total._sizeof - hdr._sizeof
instances:
  is_stereo:
    value: channels == layout::stereo.to_i
enums:
  layout:
    1: mono
    2: stereo
types:
  hdr:
    seq:
      - id: rate
        type: u2
      - id: depth
        type: u2
    instances:
      ofs_end:
        value: _root.magic._sizeof + _root.channels._sizeof + _root.mode._sizeof + _root.len_total._sizeof + _root.hdr._sizeof
`,
);

type Codec = { decode(b: Uint8Array): Record<string, unknown>; encode?(v: Record<string, unknown>): Uint8Array };
let Sound: Codec;
let Kaitai: KaitaiClass;

beforeAll(async () => {
  const files = await generateFiles([ksy], { ts: join(scratch, 'ts'), cs: join(scratch, 'cs') });
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.text);
  }
  Sound = ((await import(/* @vite-ignore */ join(scratch, 'ts', 'sound.ts'))) as Record<string, Codec>)['Sound']!;
  Kaitai = (await kaitaiParsers(ksy))['Sound']!;
});

/** magic, channels, mode (le), len_total (le) = 13, hdr (4 bytes), then 3 body bytes. */
const bytes = (channels: number, mode: number): Uint8Array => Uint8Array.of(0x53, 0x44, channels, mode, 0, 13, 0, 0, 0, 0x44, 0xac, 16, 0, 7, 8, 9);

describe('_sizeof and enum::member.to_i', () => {
  it('reads _sizeof as the fields\' fixed sizes and enum::member.to_i as its integer, as Kaitai does', () => {
    for (const [channels, mode] of [[1, 15], [2, 16], [8, 17]] as const) {
      const input = bytes(channels, mode);
      const v = Sound.decode(input);
      const k = kaitaiParse(Kaitai, input);
      expect(v['channels']).toBe(channels);
      expect(v['mode']).toBe(k['mode']);
      // 13 - 2 (magic) - 4 (len_total) - 4 (hdr) = 3 bytes of body.
      expect(v['body']).toEqual(Uint8Array.of(7, 8, 9));
      expect(Uint8Array.from(k['body'] as Uint8Array)).toEqual(Uint8Array.of(7, 8, 9));
      expect(v['isStereo']).toBe(channels === 2);
      // _root.x._sizeof from inside a nested type: 2 + 1 + 2 + 4 + 4.
      expect((v['hdr'] as Record<string, unknown>)['ofsEnd']).toBe(13);
      expect((k['hdr'] as Record<string, unknown>)['ofsEnd']).toBe(13);
      expect(k['isStereo']).toBe(channels === 2);
      expect(Sound.encode!(v)).toEqual(input);
    }
  });

  it('refuses _sizeof of a field without a fixed size, naming it', async () => {
    const bad = join(scratch, 'bad.ksy');
    writeFileSync(bad, 'meta:\n  id: bad\nseq:\n  - id: n\n    type: u1\n  - id: data\n    size: n\n  - id: rest\n    size: data._sizeof\n');
    await expect(generateFiles([bad], { ts: join(scratch, 'bad') })).rejects.toThrow(SpecError);
    await expect(generateFiles([bad], { ts: join(scratch, 'bad') })).rejects.toThrow(/'data\._sizeof': 'data' has no fixed size/);
  });
});
