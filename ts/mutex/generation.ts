// Which .NET a named mutex meets, and so which of .NET's trees (dotnet-shm.ts) its file is in.
// .NET 6-11 write the same bytes (layout.ts); what changed in .NET 11 is where a name lives:
//
//   what the .NET app does                          net10 (.NET 6-10)        net11 (.NET 11+)
//   new Mutex(false, name)                          shared /tmp/.dotnet      user (per-user tree)
//   NamedWaitHandleOptions { CurrentUserOnly=true } uid /tmp/.dotnet-uid<N>  user
//   NamedWaitHandleOptions { CurrentUserOnly=false} shared                   shared
//
// A .NET 11 app with the runtimeconfig switch System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal
// behaves like net10 for new Mutex(false, name).
//
// The rule (docs/mutex.md): { dotnet: 'net10' | 'net11' } names the generation. Without it, the
// name is looked up in both trees: the one where a live process has it open wins; with neither,
// 'net10' (DEFAULT_GENERATION). A mismatch is never silent: if the name is open in the other
// generation's tree (or, without the option, in both), open/openOrCreate/create throw
// DotnetGenerationMismatchError naming both files.
import { DotnetGenerationMismatchError, TwinmapError } from '../errors.js';
import type { ParsedName } from '../names.js';
import { type ShmTree, type TreeKind, isInUse, sharedMemoryPath, shmTree } from './dotnet-shm.js';

export type DotnetGeneration = 'net10' | 'net11';

/** Used when no option names the generation and no live process has the name in either tree. */
export const DEFAULT_GENERATION: DotnetGeneration = 'net10';

const ALL: readonly DotnetGeneration[] = ['net10', 'net11'];

export function checkGeneration(value: unknown): DotnetGeneration | undefined {
  if (value === undefined || value === 'net10' || value === 'net11') return value;
  throw new TwinmapError('INVALID_ARGUMENT', `dotnet must be 'net10' (.NET 6-10, or .NET 11 with UnsafeDefaultMutexScopeGlobal) or 'net11' (.NET 11+), not ${JSON.stringify(value)}`);
}

/**
 * The tree a name lives in for a generation. `currentUserOnly` undefined: no
 * NamedWaitHandleOptions (the old overloads, `new Mutex(false, name)`).
 */
export function treeKindFor(generation: DotnetGeneration, currentUserOnly: boolean | undefined): TreeKind {
  if (currentUserOnly === false) return 'shared';
  if (generation === 'net10') return currentUserOnly === true ? 'uid' : 'shared';
  return 'user';
}

export interface Placement {
  readonly generation: DotnetGeneration;
  readonly tree: ShmTree;
  readonly path: string;
}

export function placementFor(name: ParsedName, generation: DotnetGeneration, currentUserOnly: boolean | undefined): Placement {
  const tree = shmTree(treeKindFor(generation, currentUserOnly));
  return { generation, tree, path: sharedMemoryPath(name, tree) };
}

const optionText = (g: DotnetGeneration): string => `{ dotnet: '${g}' }`;
const meaning = (g: DotnetGeneration): string => (g === 'net10' ? '.NET 6-10 (or .NET 11 with UnsafeDefaultMutexScopeGlobal)' : '.NET 11+');

/**
 * Picks where `name` lives (the rule above). `openHere(path)`: this process already has that file
 * open (it counts as live without a probe).
 */
export function choosePlacement(
  name: ParsedName,
  explicit: DotnetGeneration | undefined,
  currentUserOnly: boolean | undefined,
  openHere: (path: string) => boolean,
): Placement {
  const [a, b] = ALL.map((g) => placementFor(name, g, currentUserOnly)) as [Placement, Placement];
  if (a.path === b.path) return explicit === 'net11' ? b : a; // CurrentUserOnly = false: one tree for both
  const live = (p: Placement): boolean => openHere(p.path) || isInUse(p.path, p.tree);
  if (explicit !== undefined) {
    const [mine, other] = explicit === 'net10' ? [a, b] : [b, a];
    if (live(other)) {
      throw new DotnetGenerationMismatchError(
        name.original,
        [mine.path, other.path],
        `named mutex ${JSON.stringify(name.original)}: you asked for ${optionText(explicit)} (${mine.path}), but a live process has it open as ${meaning(other.generation)} in ${other.path}; the two never exclude each other. Pass ${optionText(other.generation)} to meet that process`,
      );
    }
    return mine;
  }
  const liveA = live(a);
  const liveB = live(b);
  if (liveA && liveB) {
    throw new DotnetGenerationMismatchError(
      name.original,
      [a.path, b.path],
      `named mutex ${JSON.stringify(name.original)} is open by live processes in two trees: ${a.path} (${meaning('net10')}) and ${b.path} (${meaning('net11')}); they are two mutexes that never exclude each other. Make both .NET apps use one scope (e.g. the runtimeconfig switch System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal) and pass ${optionText('net10')} or ${optionText('net11')}`,
    );
  }
  if (liveB) return b;
  if (liveA) return a;
  return DEFAULT_GENERATION === 'net10' ? a : b;
}
