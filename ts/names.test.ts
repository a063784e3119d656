import { describe, expect, it } from 'vitest';
import { InvalidNameError } from './errors.js';
import { parseName } from './names.js';

describe('parseName', () => {
  it('maps prefixes to scopes the way .NET does', () => {
    expect(parseName('x')).toEqual({ original: 'x', scope: 'session', base: 'x' });
    expect(parseName('Local\\x')).toEqual({ original: 'Local\\x', scope: 'session', base: 'x' });
    expect(parseName('Global\\x')).toEqual({ original: 'Global\\x', scope: 'global', base: 'x' });
    expect(parseName('Global\\ünïcode-名前').base).toBe('ünïcode-名前');
  });

  it.each([
    ['', /empty/],
    ['Global\\', /nothing follows the prefix/],
    ['global\\x', /bad prefix "global\\\\"/],
    ['Session\\x', /bad prefix/],
    ['Global\\a\\b', /'\\' is not allowed after the prefix/],
    ['a/b', /'\/' is not allowed/],
    ['..', /'\.\.' are not allowed/],
    ['a..b', /'\.\.' are not allowed/],
    ['.', /'\.' alone/],
    ['a\0b', /NUL/],
    ['x'.repeat(256), /too long: 256 UTF-8 bytes/],
    ['é'.repeat(128), /too long: 256 UTF-8 bytes/],
  ])('refuses %j with a typed error that says why', (name, why) => {
    let caught: unknown;
    try {
      parseName(name);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidNameError);
    expect((caught as InvalidNameError).code).toBe('INVALID_NAME');
    expect((caught as InvalidNameError).invalidName).toBe(name);
    expect((caught as Error).message).toMatch(why);
  });

  it('accepts the longest legal name', () => {
    expect(parseName(`Global\\${'x'.repeat(255)}`).base).toHaveLength(255);
  });

  it('refuses a name that is not a string', () => {
    expect(() => parseName(42)).toThrow(InvalidNameError);
  });
});
