import { describe, expect, it } from 'vitest';
import { resolveWaitHandleOptions } from './wait-handle-options.js';

describe('NamedWaitHandleOptions name rules (as .NET 10 applies them)', () => {

  it('without options the name is untouched and not user-scoped (the old overloads)', () => {
    expect(resolveWaitHandleOptions('x', undefined)).toEqual({ name: 'x', currentUserOnly: undefined });
    expect(resolveWaitHandleOptions('Global\\x', {})).toEqual({ name: 'Global\\x', currentUserOnly: undefined });
  });

  it('an option given means the options overload: the other one defaults to true', () => {
    expect(resolveWaitHandleOptions('x', { currentSessionOnly: true })).toEqual({ name: 'x', currentUserOnly: true });
    expect(resolveWaitHandleOptions('x', { currentUserOnly: false })).toEqual({ name: 'x', currentUserOnly: false });
    expect(resolveWaitHandleOptions('x', { currentUserOnly: true, currentSessionOnly: false })).toEqual({ name: 'Global\\x', currentUserOnly: true });
  });

  it('a prefix must agree with currentSessionOnly', () => {
    expect(resolveWaitHandleOptions('Local\\x', { currentSessionOnly: true }).name).toBe('Local\\x');
    expect(resolveWaitHandleOptions('Global\\x', { currentSessionOnly: false }).name).toBe('Global\\x');
    expect(() => resolveWaitHandleOptions('Global\\x', { currentUserOnly: true })).toThrow(/prefix must be "Local\\\\"/);
    expect(() => resolveWaitHandleOptions('Local\\x', { currentSessionOnly: false })).toThrow(
      expect.objectContaining({ code: 'INVALID_NAME', message: expect.stringContaining('"Global\\\\"') }),
    );
  });

  it('options that are not booleans are refused', () => {
    expect(() => resolveWaitHandleOptions('x', { currentUserOnly: 'yes' as unknown as boolean })).toThrow(/currentUserOnly must be a boolean/);
  });
});
