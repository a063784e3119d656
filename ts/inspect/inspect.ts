// `twinmap inspect <name>`: what a name means right now, for a person debugging a stuck peer or
// a CI job: the map (and the channel or event in it) and .NET's mutex files for that name.
// Read-only: it never writes shared memory and never takes a mutex.
import { type MapInspection, inspectMap } from './inspect-map.js';
import { type MutexFileInspection, inspectMutex } from './inspect-mutex.js';

export type { MapInspection, ChannelState, EventState, ProcessRef } from './inspect-map.js';
export type { MutexFileInspection } from './inspect-mutex.js';

export interface Inspection {
  readonly name: string;
  readonly map: MapInspection | undefined;
  /** Linux: .NET's files for a mutex of this name, in every tree (shared, .NET 10 uid, .NET 11 user). */
  readonly mutexes: readonly MutexFileInspection[];
}

export function inspect(name: string): Inspection {
  return { name, map: inspectMap(name), mutexes: inspectMutex(name) };
}

const alive = (p: { pid: number; alive: boolean }) => `pid ${p.pid} (${p.alive ? 'alive' : 'gone'})`;

function bytes(n: number): string {
  return n >= 1 << 20 && n % (1 << 20) === 0 ? `${n / (1 << 20)} MiB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

function mapLines(m: MapInspection): string[] {
  const owner = m.foreignOwner ? `, owned by uid ${m.uid}: ANOTHER USER (refused unless allowForeignOwner)` : '';
  const where = `${m.path ?? JSON.stringify(m.name)}, ${m.size} bytes${owner}`;
  const c = m.contents;
  if (c.kind === 'bytes') return [`map      ${where}: plain bytes (first word 0x${c.magic.toString(16).padStart(8, '0')})`];
  if (c.kind === 'event') {
    return [`map      ${where}: named event v${c.version}, ${c.manualReset ? 'manual' : 'auto'}-reset, ${c.set ? 'set' : 'not set'}, ${c.waiters} waiting`];
  }
  const reader = c.reader.process === undefined ? c.reader.state : `${alive(c.reader.process)}, ${c.reader.state}`;
  const writers = c.writers.length === 0 ? 'none' : c.writers.map((w) => `slot ${w.slot}: ${alive(w)}`).join('; ');
  return [
    `map      ${where}: channel v${c.version}, capacity ${bytes(c.capacity)}`,
    `         head ${c.head}, tail ${c.tail}: ${c.used} bytes waiting to be read or not yet handed back`,
    `         reader   ${reader}${c.readerSleeping ? ', sleeping' : ''}`,
    `         writers  ${writers}${c.writersSleeping > 0 ? ` (${c.writersSleeping} waiting for room)` : ''}`,
    `         lock     ${c.lockHolder === undefined ? 'free' : `held by slot ${c.lockHolder}${c.lockContended ? ', others waiting' : ''}`}`,
    ...c.problems.map((p) => `         problem: ${p}`),
  ];
}

function mutexLines(f: MutexFileInspection): string[] {
  const thread = (o: NonNullable<MutexFileInspection['owner']>) =>
    o.osThread ? `tid ${o.tid}` : o.alive ? `thread ${o.tid} (not an OS thread of it: .NET 11's managed thread id)` : `tid ${o.tid}`;
  const owner = f.owner === undefined ? 'free' : `held by ${alive(f.owner)} ${thread(f.owner)}`;
  return [
    `mutex    ${f.path} (${f.mode.toString(8).padStart(4, '0')}, uid ${f.uid}, ${f.size} bytes, ${f.tree} tree): ` +
      `${f.inUse ? 'open' : 'stale'}, ${owner}${f.abandoned ? ', abandoned flag set' : ''}`,
    `         used by ${f.usedBy}`,
    ...f.problems.map((p) => `         problem: ${p}`),
  ];
}

/** The report `twinmap inspect` prints. */
export function formatInspection(i: Inspection): string {
  const lines = [`twinmap inspect ${JSON.stringify(i.name)}`];
  if (i.map !== undefined) lines.push(...mapLines(i.map).map((l) => `  ${l}`));
  for (const f of i.mutexes) lines.push(...mutexLines(f).map((l) => `  ${l}`));
  const open = i.mutexes.filter((f) => f.inUse);
  if (open.length > 1) {
    lines.push(`  problem: ${open.length} different mutexes by this name are open (${open.map((f) => f.tree).join(', ')}); processes in different trees never exclude each other`);
  }
  if (i.map === undefined && i.mutexes.length === 0) lines.push('  nothing by this name: no map, no .NET mutex file');
  return lines.join('\n');
}
