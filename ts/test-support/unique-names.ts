// Test support (not part of the library build): names no other test run on this shared machine
// uses, and clean-up of what each test made, so runs never collide or leave files behind.
import { afterEach } from 'vitest';
import { uniqueName } from './unique-name.js';

/**
 * Returns a function that makes a fresh name (uniqueName); after each test every
 * name it made is removed with `unlink` (e.g. `Channel.unlink`). Call it at module top level.
 */
export function uniqueNames(prefix: string, unlink: (name: string) => unknown): (tag?: string) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const name of made.splice(0)) unlink(name);
  });
  return (tag) => {
    const name = uniqueName(prefix, tag);
    made.push(name);
    return name;
  };
}
