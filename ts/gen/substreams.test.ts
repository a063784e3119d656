// Kaitai's substream semantics in generated code (fixture: fixtures/features/substreams.ksy): a
// type read with a size gets its own stream (`_io.size`, positions count from its start), and an
// instance with `io: _root._io` reads the stream of the whole input. Checked against Kaitai's parser.
import { describe, expect, it, beforeAll } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { Substreams } from './fixtures/features/ts/substreams.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecs } from './load.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'substreams.ksy');
// len_dir 5; dir: 2 entries (ofs 9 len 2, ofs 12 len 1); then 7 bytes the bodies point into.
const sample = Uint8Array.of(5, 2, 9, 2, 12, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11);
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['Substreams']!;
});

type Entry = { body: Uint8Array; bytesAfterBody: number; ofsBody: number };
/** Every field and instance, read the same way from both (an instance that fails gives its error's class). */
function summary(dir: { secondByte: number; dirSize: number; entries: Entry[] }): unknown {
  const get = (f: () => unknown): unknown => {
    try {
      const v = f();
      return v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
    } catch {
      return 'fails';
    }
  };
  return {
    second: get(() => dir.secondByte),
    size: get(() => dir.dirSize),
    entries: dir.entries.map((e) => ({ ofs: e.ofsBody, body: get(() => Uint8Array.from(e.body)), after: get(() => e.bytesAfterBody) })),
  };
}

describe('substreams and _root._io', () => {
  it('counts positions in a sized field from its own start; reads io: _root._io instances from the whole input', () => {
    const v = Substreams.decode(sample);
    expect(v.dir.secondByte).toBe(9);
    expect(v.dir.dirSize).toBe(5);
    expect(v.dir.entries.map((e) => Buffer.from(e.body).toString('hex'))).toEqual(['ddee', '11']);
    expect(v.dir.entries.map((e) => e.bytesAfterBody)).toEqual([2, 0]);
    const k = kaitaiParse(kaitai, sample) as unknown as { dir: Parameters<typeof summary>[0]; trailerSecond: number };
    expect(summary(v.dir)).toEqual(summary(k.dir));
    // io: trailer._io: position 1 of the trailer's 3 bytes (aa bb cc).
    expect(v.trailerSecond).toBe(0xbb);
    expect(k.trailerSecond).toBe(0xbb);
  });

  it('fails only the instance that points past the input, with a DecodeError naming it', () => {
    const bad = sample.slice();
    bad[2] = 200; // entry 0's body at 200, past the end
    const v = Substreams.decode(bad);
    expect(() => v.dir.entries[0]!.body).toThrow(/Entry\.body at byte \d+/);
    expect(Buffer.from(v.dir.entries[1]!.body).toString('hex')).toBe('11');
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 300; i++) {
      const bytes = mutate(sample, rng);
      let ours: unknown;
      let theirs: unknown;
      try {
        const v = Substreams.decode(bytes);
        ours = [summary(v.dir), v.trailerSecond];
      } catch (e) {
        expect((e as Error).name).toBe('DecodeError');
        ours = 'fails';
      }
      try {
        const k = kaitaiParse(kaitai, bytes) as unknown as { dir: Parameters<typeof summary>[0]; trailerSecond: number };
        theirs = [summary(k.dir), k.trailerSecond];
      } catch {
        theirs = 'fails';
      }
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });
});

describe('refusals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-substreams-'));
  const spec = (name: string, text: string): string => {
    writeFileSync(join(dir, `${name}.ksy`), text);
    return join(dir, `${name}.ksy`);
  };
  const refusal = (path: string): string => {
    try {
      loadSpecs([path]);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('names a stream an instance cannot read from yet', () => {
    const p = spec('other_io', 'meta: {id: other_io}\nseq:\n  - {id: a, type: u1}\ninstances:\n  b: {io: _parent._io, pos: 0, type: u1}\n');
    expect(refusal(p)).toBe(`${p}: /instances/b (OtherIo.b): io: '_parent._io': OtherIo is the root type, which has no parent`);
  });

  it('refuses _root in a spec that another spec imports (there it would be the importing spec\'s root)', () => {
    spec('inner', 'meta: {id: inner}\nseq:\n  - {id: a, type: u1}\ninstances:\n  whole: {value: _root._io.size}\n');
    const p = spec('outer', 'meta: {id: outer, imports: [inner]}\nseq:\n  - {id: x, type: inner}\n');
    expect(refusal(p)).toMatch(/outer\.ksy: \/meta\/imports\/0: 'inner' uses _root \(at \/ in .*inner\.ksy\): _root in a spec that another spec imports is not supported$/);
  });
});
