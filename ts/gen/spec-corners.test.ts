// Small corners of Kaitai's spec language that real specs use, each generated from a spec written
// here and checked against Kaitai's parser: unary plus in expressions, `contents` with a `size`
// equal to their length, repeat-until on a string field of the element, and a sized type that
// reads to the end of its bytes (encode must fill them: padding would be read back as data), and
// `_sizeof` of a field read later or of a parse instance, fields named `arguments` or `eval`,
// long enums, and an `if` that is always false.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers } from '../../interop-tests/support/kaitai-js.js';
import { generateFiles, SpecError } from './index.js';
import type { Codec } from './runtime/twinmap-runtime.js';

const scratch = mkdtempSync(join(tmpdir(), 'twinmap-corners-'));

/** Generates the spec's TS, and returns its root codec and Kaitai's parse of `bytes`. */
async function both(id: string, ksy: string, bytes: Uint8Array): Promise<{ ours: Record<string, unknown>; theirs: Record<string, unknown>; codec: Codec<Record<string, unknown>> }> {
  const path = join(scratch, `${id}.ksy`);
  writeFileSync(path, ksy);
  const dir = join(scratch, id);
  mkdirSync(dir, { recursive: true });
  for (const f of await generateFiles([path], { ts: dir })) writeFileSync(f.path, f.text);
  const name = id.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const mod = (await import(/* @vite-ignore */ join(dir, `${id}.ts`))) as Record<string, Codec<Record<string, unknown>>>;
  const codec = mod[name]!;
  const theirs = kaitaiParse((await kaitaiParsers(path))[name]!, bytes);
  return { ours: codec.decode(bytes), theirs, codec };
}

describe('spec corners', () => {
  it('reads unary plus as the number itself', async () => {
    const ksy = "meta:\n  id: plus_sign\n  endian: le\nseq:\n  - id: raw\n    type: s2\n  - id: body\n    size: '(raw < 0 ? -1 : +1) * raw'\n";
    for (const raw of [3, -3]) {
      const bytes = Uint8Array.of(raw & 0xff, (raw >> 8) & 0xff, 9, 8, 7, 6);
      const { ours, theirs } = await both('plus_sign', ksy, bytes);
      expect(ours['body']).toEqual(Uint8Array.of(9, 8, 7));
      expect(Buffer.from(theirs['body'] as Uint8Array).equals(Buffer.from(ours['body'] as Uint8Array))).toBe(true);
    }
  });

  it('accepts contents with a size equal to their length, and refuses any other size', async () => {
    const ksy = 'meta:\n  id: sized_magic\nseq:\n  - id: magic\n    contents: ["AB", 0, 1]\n    size: 4\n  - id: v\n    type: u1\n';
    const { ours, theirs, codec } = await both('sized_magic', ksy, Uint8Array.of(0x41, 0x42, 0, 1, 5));
    expect(ours['v']).toBe(5);
    expect(theirs['v']).toBe(5);
    expect(codec.encode({ v: 5 })).toEqual(Uint8Array.of(0x41, 0x42, 0, 1, 5));
    expect(() => codec.decode(Uint8Array.of(0x41, 0x42, 0, 2, 5))).toThrow(/magic/);
    const bad = join(scratch, 'bad_magic.ksy');
    writeFileSync(bad, 'meta:\n  id: bad_magic\nseq:\n  - id: magic\n    contents: [1, 2]\n    size: 3\n');
    const e = await generateFiles([bad], { ts: join(scratch, 'bad') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SpecError);
    expect((e as Error).message).toContain('/seq/0 (BadMagic.magic): contents with a size other than its length (2) is not supported');
  });

  it('stops repeat-until on a string field of the element, as Kaitai does', async () => {
    const ksy = 'meta:\n  id: named_sections\nseq:\n  - id: sections\n    type: section\n    repeat: until\n    repeat-until: _.name == "END"\ntypes:\n  section:\n    seq:\n      - id: name\n        type: str\n        size: 3\n        encoding: ASCII\n      - id: v\n        type: u1\n';
    const bytes = Uint8Array.from([...Buffer.from('ABC'), 1, ...Buffer.from('END'), 2, ...Buffer.from('XYZ'), 3]);
    const { ours, theirs, codec } = await both('named_sections', ksy, bytes);
    const names = (x: Record<string, unknown>): string[] => (x['sections'] as Array<{ name: string }>).map((s) => s.name);
    expect(names(ours)).toEqual(['ABC', 'END']);
    expect(names(theirs)).toEqual(['ABC', 'END']);
    expect(codec.encode(ours)).toEqual(bytes.subarray(0, 8));
  });

  it('writes a sized type that reads to the end of its bytes only when it fills them', async () => {
    const ksy = 'meta:\n  id: filled_block\nseq:\n  - id: block\n    size: 4\n    type: items\n  - id: v\n    type: u1\ntypes:\n  items:\n    seq:\n      - id: items\n        type: u1\n        repeat: eos\n';
    const bytes = Uint8Array.of(1, 2, 0, 0, 9);
    const { ours, theirs, codec } = await both('filled_block', ksy, bytes);
    expect((ours['block'] as { items: number[] }).items).toEqual([1, 2, 0, 0]);
    expect((theirs['block'] as { items: number[] }).items).toEqual([1, 2, 0, 0]);
    expect(codec.encode(ours)).toEqual(bytes);
    // Two items padded to 4 bytes would read back as four: refused, naming the field.
    expect(() => codec.encode({ block: { items: [1, 2] }, v: 9 })).toThrow(/block: takes 2 bytes, the spec gives it 4, and it reads to the end of them/);
  });

  it('knows the _sizeof of a field read later and of a parse instance', async () => {
    const ksy = "meta:\n  id: later_sizes\n  endian: le\nseq:\n  - id: len_all\n    type: u1\n  - id: body\n    size: len_all - terminator._sizeof - trailer.code._sizeof\n  - id: terminator\n    contents: [0x0d]\ninstances:\n  trailer:\n    pos: 0\n    type: trailer\ntypes:\n  trailer:\n    seq:\n      - id: code\n        type: u2\n";
    const bytes = Uint8Array.of(6, 1, 2, 3, 0x0d);
    const { ours, theirs } = await both('later_sizes', ksy, bytes);
    expect(ours['body']).toEqual(Uint8Array.of(1, 2, 3));
    expect(Buffer.from(theirs['body'] as Uint8Array).equals(Buffer.from(ours['body'] as Uint8Array))).toBe(true);
  });

  it('writes a sized switch whose case reads to the end, or whose raw bytes are kept, only when they fill its size', async () => {
    const ksy = 'meta:\n  id: filled_switch\nseq:\n  - id: kind\n    type: u1\n  - id: body\n    size: 3\n    type:\n      switch-on: kind\n      cases:\n        1: items\n        2: one\ntypes:\n  items:\n    seq:\n      - id: items\n        type: u1\n        repeat: eos\n  one:\n    seq:\n      - id: v\n        type: u1\n';
    const { ours, theirs, codec } = await both('filled_switch', ksy, Uint8Array.of(1, 4, 5, 6));
    expect(ours['body']).toEqual({ items: [4, 5, 6] });
    expect(theirs['body']).toMatchObject({ items: [4, 5, 6] });
    expect(() => codec.encode({ kind: 1, body: { items: [4] } })).toThrow(/body: takes 1 bytes, the spec gives it 3, and it reads to the end of them/);
    // A type of fixed size is padded (Kaitai reads it, then skips the rest of the size).
    expect(codec.encode({ kind: 2, body: { v: 7 } })).toEqual(Uint8Array.of(2, 7, 0, 0));
    // No case: the raw bytes are all 3 (shorter ones padded would read back longer).
    expect(codec.decode(Uint8Array.of(9, 1, 2, 3))['body']).toEqual(Uint8Array.of(1, 2, 3));
    expect(() => codec.encode({ kind: 9, body: Uint8Array.of(1) })).toThrow(/body: has 1 bytes, the spec says 3/);
  });

  it('reads fields named like the names strict mode reserves (arguments, eval)', async () => {
    const ksy = 'meta:\n  id: strict_names\nseq:\n  - id: arguments\n    type: u1\n  - id: eval\n    size: 2\n';
    const { ours, theirs, codec } = await both('strict_names', ksy, Uint8Array.of(2, 7, 8));
    expect(ours).toEqual({ arguments: 2, eval: Uint8Array.of(7, 8) });
    expect(theirs['arguments']).toBe(2);
    expect(codec.encode(ours)).toEqual(Uint8Array.of(2, 7, 8));
  });

  it('checks membership of a long enum, with values beyond 32 bits signed, and a condition that is always false', async () => {
    const members = Array.from({ length: 80 }, (_, i) => `    ${i === 79 ? '0xfffee00d' : String(i * 3)}: m${i}`).join('\n');
    const ksy = `meta:\n  id: long_enum\n  endian: le\nseq:\n  - id: tag\n    type: u4\n    enum: tags\n  - id: never\n    type: u1\n    repeat: expr\n    repeat-expr: 2\n    if: is_never\ninstances:\n  is_never:\n    value: false\nenums:\n  tags:\n${members}\n`;
    const { ours, theirs, codec } = await both('long_enum', ksy, Uint8Array.of(0x0d, 0xe0, 0xfe, 0xff));
    expect(ours['tag']).toBe(0xfffee00d);
    expect(theirs['tag']).toBe(0xfffee00d);
    const mod = (await import(/* @vite-ignore */ join(scratch, 'long_enum', 'long_enum.ts'))) as { isTags(v: number): boolean };
    expect([0, 3, 235, 0xfffee00d].map((v) => mod.isTags(v))).toEqual([true, true, false, true]);
    expect(codec.encode({ tag: 6 })).toEqual(Uint8Array.of(6, 0, 0, 0));
    // The generated module type-checks strictly (a 2000-way `||` chain or narrowing under `if (false)` would not).
    const tsconfig = join(scratch, 'long_enum', 'tsconfig.json');
    const modules = join(import.meta.dirname, '..', '..', 'node_modules');
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, types: ['node'], typeRoots: [join(modules, '@types')] }, include: ['*.ts'] }));
    const tsc = (): string => {
      try {
        execFileSync(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', tsconfig], { stdio: 'pipe', encoding: 'utf8' });
        return '';
      } catch (err) {
        return String((err as { stdout?: string }).stdout ?? err);
      }
    };
    expect(tsc()).toBe('');
  });

  it('names C# enum members apart where two ids give the same PascalCase name', async () => {
    const path = join(scratch, 'twin_members.ksy');
    writeFileSync(path, 'meta:\n  id: twin_members\nseq:\n  - id: codec\n    type: u1\n    enum: codecs\n  - id: extra\n    type: u1\n    if: codec == codecs::gsm_610\nenums:\n  codecs:\n    0x31: gsm610\n    0x32: gsm_610\n');
    const files = await generateFiles([path], { ts: join(scratch, 'twin_ts'), cs: join(scratch, 'twin_cs'), namespace: 'Twin' });
    const cs = files.find((f) => f.path.endsWith('TwinMembers.g.cs'))!.text;
    expect(cs).toContain('    Gsm610 = 49,');
    expect(cs).toContain('    Gsm610_ = 50,');
    expect(cs).toContain('Codecs.Gsm610_');
    expect(cs).not.toMatch(/Codecs\.Gsm610\b(?!_)/);
  });

  it('starts each sized element of bit fields in a byte of its own when writing, as reading does', async () => {
    const ksy = 'meta:\n  id: flag_parts\nseq:\n  - id: parts\n    type: part\n    repeat: expr\n    repeat-expr: 2\ntypes:\n  part:\n    seq:\n      - id: flags\n        size: 2\n        type: flags\n      - id: tail\n        type: u1\n  flags:\n    seq:\n      - id: a\n        type: b1\n      - id: b\n        type: b3\n';
    const bytes = Uint8Array.of(0x90, 0, 7, 0x30, 0, 8);
    const { ours, theirs, codec } = await both('flag_parts', ksy, bytes);
    expect(ours['parts']).toEqual([{ flags: { a: true, b: 1 }, tail: 7 }, { flags: { a: false, b: 3 }, tail: 8 }]);
    expect((theirs['parts'] as Array<{ flags: { b: number } }>).map((p) => p.flags.b)).toEqual([1, 3]);
    // The second element's bits go in its own flags bytes, not in what the first left free.
    expect(codec.encode(ours)).toEqual(bytes);
  });
});
