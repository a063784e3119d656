// Test support (not part of the library build): names no other test run on this shared machine
// uses, and clean-up of what each test made, so runs never collide or leave files behind.
import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';

/**
 * Returns a function that makes a fresh name `<prefix>-<tag>-<random>`; after each test every
 * name it made is removed with `unlink` (e.g. `Channel.unlink`). Call it at module top level.
 */
export function uniqueNames(prefix: string, unlink: (name: string) => unknown): (tag?: string) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const name of made.splice(0)) unlink(name);
  });
  return (tag) => {
    const name = `${prefix}${tag === undefined ? '' : `-${tag}`}-${randomBytes(6).toString('hex')}`;
    made.push(name);
    return name;
  };
}
