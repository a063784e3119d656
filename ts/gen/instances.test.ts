// Kaitai instances in generated code: lazy as in Kaitai (a positioned instance reads the input on
// first access, so bad data nobody reads does not fail the decode), and decode-only types, which
// have no encoder at all.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers } from '../../interop-tests/support/kaitai-js.js';
import { generateFiles } from './index.js';

const scratch = mkdtempSync(join(tmpdir(), 'twinmap-instances-'));
const ksy = join(scratch, 'archive.ksy');
writeFileSync(
  ksy,
  `meta:
  id: archive
  endian: le
seq:
  - id: ofs
    type: u2
  - id: len
    type: u1
  - id: header
    type: header
instances:
  body:
    pos: ofs
    size: len
  end_pos:
    value: ofs + len
types:
  header:
    seq:
      - id: n
        type: u1
      - id: items
        size: body_len
    instances:
      body_len:
        value: n * 2
`,
);

type Mod = Record<string, { decode(b: Uint8Array): Record<string, unknown>; encode?(v: Record<string, unknown>): Uint8Array }>;
let mod: Mod;
let files: { path: string; text: string }[];
const notes: string[] = [];

beforeAll(async () => {
  files = await generateFiles([ksy], { ts: join(scratch, 'ts'), cs: join(scratch, 'cs'), onDecodeOnly: (m) => notes.push(m) });
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.text);
  }
  mod = (await import(/* @vite-ignore */ join(scratch, 'ts', 'archive.ts'))) as Mod;
});

describe('instances', () => {
  it('reads a positioned instance on first access, as Kaitai does', async () => {
    const Kaitai = (await kaitaiParsers(ksy))['Archive']!;
    // ofs 5, len 2, header { n: 1, items: aa bb }, then cc 09: body is the 2 bytes at 5 (bb cc).
    const bytes = Uint8Array.of(5, 0, 2, 1, 0xaa, 0xbb, 0xcc, 9);
    const v = mod['Archive']!.decode(bytes);
    expect(v['body']).toEqual(Uint8Array.of(0xbb, 0xcc));
    expect(v['endPos']).toBe(7);
    const k = kaitaiParse(Kaitai, bytes);
    expect(Uint8Array.from(k['body'] as Uint8Array)).toEqual(Uint8Array.of(0xbb, 0xcc));
    expect(k['endPos']).toBe(7);
  });

  it('decodes when an instance points past the end; reading that instance fails with a DecodeError', () => {
    const v = mod['Archive']!.decode(Uint8Array.of(200, 0, 4, 0));
    expect(v['ofs']).toBe(200);
    expect(() => v['body']).toThrow(/Archive\.body at byte \d+: /);
    expect(Object.keys(v)).toEqual(['ofs', 'len', 'header']); // instances are not enumerable
  });

  it('keeps encode for a type with only value instances, which work in sizes', () => {
    const Header = mod['Header']!;
    expect(typeof Header.encode).toBe('function');
    expect(Header.encode!({ n: 2, items: Uint8Array.of(1, 2, 3, 4) })).toEqual(Uint8Array.of(2, 1, 2, 3, 4));
    expect(() => Header.encode!({ n: 2, items: Uint8Array.of(1) })).toThrow(/items/);
    expect(Header.decode(Uint8Array.of(1, 7, 8))['bodyLen']).toBe(2);
  });

  it('generates a type with a positioned instance decode-only: no encoder in TS or C#, and says why', () => {
    expect(mod['Archive']!.encode).toBeUndefined();
    const ts = files.find((f) => f.path.endsWith('archive.ts'))!.text;
    const cs = files.find((f) => f.path.endsWith('Archive.g.cs'))!.text;
    expect(ts).toContain("Decode-only: instance 'body' is read from a position in the stream");
    expect(ts).not.toMatch(/export function writeArchive/);
    const archiveClass = cs.slice(cs.indexOf('/// <remarks>Decode-only'), cs.indexOf('public sealed partial class Header'));
    expect(archiveClass).toContain('public sealed partial class Archive');
    expect(archiveClass).toContain('Decode-only');
    expect(archiveClass).not.toMatch(/public [^\n]*Encode/);
    expect(notes).toEqual([`${ksy}: Archive is decode-only (instance 'body' is read from a position in the stream): generated without encode`]);
  });
});
