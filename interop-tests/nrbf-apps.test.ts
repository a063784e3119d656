// .NET apps that BinaryFormatter.Serialize whole objects into a memory-mapped file, and Node on the
// other side. The .NET program (dotnet/Twinmap.NrbfApp) is written as such apps are: a MyClass with
// two strings and two lists in a named map, a hiking database in a file map, each under a named
// mutex. Node reads what .NET wrote, and writes objects .NET deserializes into its own classes.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NamedMutex,
  NrbfArray,
  NrbfObject,
  SharedMap,
  decodeNrbf,
  encodeNrbf,
  nrbfList,
  readNrbf,
  toPlain,
  type NrbfValue,
} from '../ts/index.js';
import { uniqueMapName } from './map-helpers.js';
import { buildDist, uniqueMutexName } from './mutex-helpers.js';
import { repoRoot } from './peer.js';
import { runApp, startApp } from './nrbf/app.js';

const APP_LIBRARY = 'Twinmap.NrbfApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null';

function cli(...args: string[]) {
  return execa(process.execPath, [join(repoRoot, 'dist', 'ts', 'cli.js'), ...args], { reject: false });
}

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-nrbf-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

// the CLI runs from dist/, compiled from this checkout
beforeAll(buildDist, 120_000);

describe('BinaryFormatter objects in shared memory, .NET -> Node', () => {
  it('reads the MyClass a .NET app serialized into a named map under a named mutex', async () => {
    using n = uniqueMapName('nrbf-myclass');
    const mutexName = uniqueMutexName('nrbf');
    await using app = startApp('write', { kind: 'myclass', name: n.name, mutex: mutexName, size: 4096 });
    const written = await app.next('written');
    using mutex = NamedMutex.openOrCreate(mutexName);
    using map = SharedMap.open(n.name);
    const { root, length } = mutex.withLock(() => readNrbf(map.bytes));
    expect(length).toBe(written['length']);
    expect(root).toBeInstanceOf(NrbfObject);
    const obj = root as NrbfObject;
    expect(obj.typeName).toBe('Twinmap.NrbfApp.MyClass');
    expect(obj.libraryName).toBe(APP_LIBRARY);
    expect(toPlain(root)).toEqual({ MyValueA: 'foobar', MyValueB: 'test', MyValuesC: [1, 2, 3], MyValuesD: ['foo', 'bar'] });

    // what a user runs to see what the app writes: `twinmap nrbf <map name>`
    const text = await cli('nrbf', n.name);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(`map "${n.name}" at offset 0: ${String(written['length'])} bytes`);
    expect(text.stdout).toContain('#1 Twinmap.NrbfApp.MyClass (Twinmap.NrbfApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null)');
    expect(text.stdout).toContain('  <MyValueA>k__BackingField: "foobar"');
    const json = await cli('nrbf', n.name, '--json');
    const shown = JSON.parse(json.stdout) as { root: { $ref: number }; objects: Record<string, Record<string, unknown>> };
    expect(shown.objects[shown.root.$ref]).toMatchObject({ $type: 'Twinmap.NrbfApp.MyClass', '<MyValueB>k__BackingField': 'test' });
    const list = shown.objects[String((shown.objects[shown.root.$ref]!['<MyValuesC>k__BackingField'] as { $ref: number }).$ref)];
    expect(list).toMatchObject({ items: [1, 2, 3] });
    const offset = await cli('nrbf', `${n.name}:1`);
    expect(offset.exitCode).toBe(1);
    expect(offset.stderr).toMatch(/^twinmap nrbf: NRBF record 0 \(ClassWithId\) at byte 0: a payload starts with SerializedStreamHeader \(0\), not 1/);
    app.send();
    expect((await app.exited).exitCode).toBe(0);
  });

  it('reads the hiking database a .NET app serialized into a file map', async () => {
    using t = tempDir();
    const path = join(t.dir, 'hiking.mmf');
    const mutexName = uniqueMutexName('nrbf');
    await using app = startApp('write', { kind: 'hiking', path, mutex: mutexName, hikes: 3, points: 4 });
    await app.next('written');
    using mutex = NamedMutex.openOrCreate(mutexName);
    using map = SharedMap.openFile(path, { readOnly: true });
    const db = mutex.withLock(() => toPlain(decodeNrbf(map.read(0, map.size)))) as { Description: string; hikes: Array<{ Date: string; Description: string; GPSTrack: Array<{ x: number; y: number; z: number }> }> };
    expect(db.Description).toBe('Trails of the Alps');
    expect(db.hikes.map((h) => [h.Date, h.Description, h.GPSTrack.length])).toEqual([
      ['2012-10-01', 'Hike 0', 4],
      ['2012-10-02', 'Hike 1', 4],
      ['2012-10-03', 'Hike 2', 4],
    ]);
    expect(db.hikes[1]!.GPSTrack[2]).toEqual({ x: 8.502, y: 46.254, z: 1220 });
    const shown = await cli('nrbf', path);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/hikes: #2 Twinmap\.NrbfApp\.Hike\[3\]\n\s+\[0\]: #3 Twinmap\.NrbfApp\.Hike /);
    // a damaged copy: refused with the record, its type and the offset
    const damaged = join(t.dir, 'damaged.bin');
    writeFileSync(damaged, map.read(0, 300));
    const refused = await cli('nrbf', damaged);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^twinmap nrbf: NRBF record \d+ \(\w+\) at byte \d+: .* needs \d+ bytes, only \d+ left/);
    app.send();
    await app.exited;
  });
});

describe('BinaryFormatter objects in shared memory, Node -> .NET', () => {
  it('writes a MyClass, built from its .NET names, that the app deserializes into its own class', async () => {
    using n = uniqueMapName('nrbf-n2d');
    const mutexName = uniqueMutexName('nrbf');
    const data = new NrbfObject({
      typeName: 'Twinmap.NrbfApp.MyClass',
      libraryName: APP_LIBRARY,
      members: {
        '<MyValueA>k__BackingField': 'from Node',
        '<MyValueB>k__BackingField': 'grüße 🚀',
        '<MyValuesC>k__BackingField': nrbfList('Int32', [10, -20, 2147483647]),
        '<MyValuesD>k__BackingField': nrbfList({ kind: 'string' }, ['x', 'y']),
      },
    });
    const bytes = encodeNrbf(data);
    {
      using map = SharedMap.create(n.name, { size: 4096 });
      using mutex = NamedMutex.openOrCreate(mutexName);
      mutex.withLock(() => map.write(0, bytes));
      const [read] = await runApp('read', { kind: 'myclass', name: n.name, mutex: mutexName });
      expect(read).toMatchObject({
        type: 'Twinmap.NrbfApp.MyClass',
        referee: 'Twinmap.NrbfApp.MyClass',
        lines: ['MyValueA = from Node', 'MyValueB = grüße 🚀', 'MyValuesC = 10', 'MyValuesC = -20', 'MyValuesC = 2147483647', 'MyValuesD = x', 'MyValuesD = y'],
      });
    }
  });

  it('modifies a hiking database it decoded and writes it back into the file map; the app reads the change', async () => {
    using t = tempDir();
    const path = join(t.dir, 'hiking.mmf');
    const mutexName = uniqueMutexName('nrbf');
    await using app = startApp('write', { kind: 'hiking', path, mutex: mutexName, hikes: 2, points: 2 });
    await app.next('written');
    app.send();
    await app.exited;

    using mutex = NamedMutex.openOrCreate(mutexName);
    const out = join(t.dir, 'edited.mmf');
    mutex.withLock(() => {
      using map = SharedMap.openFile(path, { readOnly: true });
      const db = decodeNrbf(map.read(0, map.size)) as NrbfObject;
      db.members.set('Description', 'Edited in Node');
      const hikes = db.get('hikes') as NrbfArray;
      const first = (hikes.items as NrbfValue[])[0] as NrbfObject;
      // a new hike shaped like the decoded ones, sharing its first point with hike 0
      const track = first.get('GPSTrack') as NrbfArray;
      const shared = (track.items as NrbfValue[])[0] as NrbfObject;
      const point = new NrbfObject({ typeName: shared.typeName, libraryName: shared.libraryName, members: { x: 1.25, y: 2.5, z: 3000 }, memberTypes: shared.memberTypes! });
      const hike = new NrbfObject({
        typeName: first.typeName,
        libraryName: first.libraryName,
        members: { Date: '2026-12-07', Description: 'Node trail', GPSTrack: new NrbfArray({ elementType: track.elementType, items: [shared, point] }) },
        memberTypes: first.memberTypes!,
      });
      hikes.items = [...(hikes.items as NrbfValue[]), hike];
      (hikes.lengths as number[])[0] = 3;
      const bytes = encodeNrbf(db);
      using target = SharedMap.createFile(out, bytes.length);
      target.write(0, bytes);
    });
    const [read] = await runApp('read', { kind: 'hiking', path: out, mutex: mutexName });
    expect(read!['type']).toBe('Twinmap.NrbfApp.HikingDatabase');
    expect(read!['referee']).toBe('Twinmap.NrbfApp.HikingDatabase');
    const lines = read!['lines'] as string[];
    expect(lines[0]).toBe('Description = Edited in Node');
    expect(lines.filter((l) => l.startsWith('Hike '))).toEqual(['Hike 2012-10-01 Hike 0: 2 points', 'Hike 2012-10-02 Hike 1: 2 points', 'Hike 2026-12-07 Node trail: 2 points']);
    expect(lines.slice(-2)).toEqual(['  7.5 46.25 1200', '  1.25 2.5 3000']);
  });
});
