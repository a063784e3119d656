import { describe, expect, it } from 'vitest';
import { Peer } from './peer.js';

describe('the .NET Peer harness', () => {
  it('starts the Peer as a separate process that reports its runtime', async () => {
    const events = await Peer.run('ping');
    const ready = events.find((e) => e.event === 'ready');
    expect(ready).toBeDefined();
    expect(ready!['pid']).not.toBe(process.pid);
    expect(String(ready!['dotnet'])).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports an unknown command as a usage error', async () => {
    const events = await Peer.run('no-such-command');
    expect(events[0]).toMatchObject({ event: 'error', type: 'UsageError' });
  });
});
