// Reliability: misuse from JS gets a typed error naming the problem, never a bare TypeError.
import { rmSync, symlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Channel } from '../channel/channel.js';
import { InvalidNameError, TwinmapError } from '../errors.js';
import { NamedEvent } from '../event/named-event.js';
import { SharedMap } from '../map/shared-map.js';
import { uniqueName } from './support.js';

function typed(f: () => unknown, code: string, message: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TwinmapError);
  expect((error as TwinmapError).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

describe('typed errors for misuse', () => {
  it('SharedMap.write(0, null) and friends: INVALID_ARGUMENT', () => {
    const name = uniqueName('err');
    using m = SharedMap.create(name, { size: 4096 });
    typed(() => m.write(0, null as unknown as number[]), 'INVALID_ARGUMENT', /write needs bytes.*got null/);
    typed(() => m.write(0, 5 as unknown as number[]), 'INVALID_ARGUMENT', /write needs bytes.*got number/);
    typed(() => SharedMap.open(name, { readOnly: 'yes' as unknown as boolean }), 'INVALID_ARGUMENT', /readOnly must be a boolean/);
    typed(() => SharedMap.open(name, 7 as unknown as object), 'INVALID_ARGUMENT', /options must be an object/);
    m.unlink();
  });

  it('a BigInt (or other non-string) name: InvalidNameError everywhere', () => {
    const big = 1n as unknown as string;
    for (const f of [
      () => SharedMap.create(big, { size: 4096 }),
      () => SharedMap.open(big),
      () => SharedMap.openOrCreate(big, { size: 4096 }),
      () => Channel.create(big),
      () => Channel.open(big),
      () => NamedEvent.create(big),
    ]) {
      expect(f).toThrow(InvalidNameError);
    }
  });

  it('errno names are names: ELOOP, not E40', () => {
    const name = uniqueName('eloop');
    symlinkSync('/nonexistent-target', `/dev/shm/${name}`);
    try {
      let error: TwinmapError | undefined;
      try {
        SharedMap.open(name);
      } catch (e) {
        error = e as TwinmapError;
      }
      expect(error?.osCode).toBe('ELOOP');
      expect(error?.message).toMatch(/ELOOP/);
      expect(error?.message).not.toMatch(/\bE40\b/);
    } finally {
      rmSync(`/dev/shm/${name}`, { force: true });
    }
  });
});
