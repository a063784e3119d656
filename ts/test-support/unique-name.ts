// Test support (not part of the library build): the one maker of names that no other test run on
// this shared machine uses. Plain Node, no test runner, so vitest suites, the Wine suite's
// node:test files and the reliability runs all take their names from here.
import { randomBytes } from 'node:crypto';

/** `<prefix>-<tag>-<pid>-<random>` (no `-<tag>` without a tag). */
export function uniqueName(prefix: string, tag?: string): string {
  return `${prefix}${tag === undefined ? '' : `-${tag}`}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
