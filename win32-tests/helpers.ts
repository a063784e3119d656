// Shared by the Windows tests: unique names, and second processes to talk to (another node.exe
// running child.js or the channel writer, or the Windows .NET Peer), all through the one client
// of the Peer's line protocol (ts/test-support/peer-process.ts).
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { native } from '../ts/native.js';
import { keyValueArgs, PeerProcess, type PeerArgValue } from '../ts/test-support/peer-process.js';
import { uniqueName as makeName } from '../ts/test-support/unique-name.js';

/**
 * A name no other test (or earlier run) uses (ts/test-support/unique-name.ts), in a Windows
 * namespace (default `Local\`): all processes in one Wine prefix share a namespace.
 */
export function uniqueName(what: string, namespace = 'Local\\'): string {
  return `${namespace}${makeName('twinmap-test', what)}`;
}

const live = new Set<PeerProcess>();
// A test that failed midway must not leave its children running: they would keep this test
// file's process (and so the run) alive.
after(() => {
  for (const c of live) void c.kill();
});

/** Another process of the test: `script` (a .js file of this folder) run by this node.exe, or any program given `exe`. */
export class Child extends PeerProcess {
  constructor(script: string, args: string[], exe?: string) {
    const [file, argv] = exe === undefined ? [process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args]] : [exe, args];
    super(file, argv, { label: exe === undefined ? `node ${script} ${args[0] ?? ''}` : `Peer ${args[0] ?? ''}` });
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }
}

/**
 * The .NET Peer (dotnet/Twinmap.Peer) published as a Windows program (win-x64, self-contained),
 * from TWINMAP_WIN_PEER (set by .ci/windows.sh). `Peer.start('map-read', {name: 'x'})`.
 */
export function peerExe(): string {
  const exe = process.env['TWINMAP_WIN_PEER'];
  if (exe === undefined || exe === '') {
    throw new Error('TWINMAP_WIN_PEER is not set: run the Windows tests with .ci/windows.sh, which publishes the Peer for win-x64');
  }
  return exe;
}

export function startPeer(command: string, args: Record<string, PeerArgValue> = {}): Child {
  return new Child('', [command, ...keyValueArgs(args)], peerExe());
}

/**
 * The Node writer process of the channel scenarios (ts/test-support/channel-writer.ts, compiled
 * beside this suite into dist/ts/test-support/), run by this node.exe: the twin of the Peer's
 * `channel-send`, with the same `key=value` arguments.
 */
export function startNodeWriter(args: Record<string, PeerArgValue>): Child {
  return new Child('../ts/test-support/channel-writer.js', keyValueArgs(args));
}

/** A page-file section of that name holding `bytes` (garbage planted where a test opens a name); disposing closes it. */
export function plantSection(name: string, bytes: Uint8Array): Disposable {
  const w = native.win32!;
  const section = w.createFileMapping(null, name, bytes.length, true).handle;
  const view = new w.MapView(section, true);
  new Uint8Array(view.buffer!).set(bytes);
  return {
    [Symbol.dispose]() {
      view.unmap();
      section.close();
    },
  };
}
