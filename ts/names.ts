// What a name means, checked the same way on both sides (dotnet/Twinmap/Names.cs).
// The rules are .NET's for named mutexes (the strictest user we must meet), applied to every
// named object so that one name works for a mapping, a mutex, an event and a channel:
//   "Global\x" -> scope global, base "x";  "Local\x" or "x" -> scope session, base "x".
// Prefixes are case-sensitive, as in .NET. The base must be 1..255 UTF-8 bytes with no '/',
// '\', NUL, and must not be "." or contain "..".
import { InvalidNameError } from './errors.js';

export type NameScope = 'session' | 'global';

export interface ParsedName {
  /** The name as the caller gave it (what Windows passes to the kernel). */
  readonly original: string;
  /** `global` for a `Global\` prefix, otherwise `session` (Linux: per getsid() session). */
  readonly scope: NameScope;
  /** The name with its prefix removed: the file name on Linux. */
  readonly base: string;
}

export const MAX_NAME_BYTES = 255;
const GLOBAL = 'Global\\';
const LOCAL = 'Local\\';

export function parseName(name: unknown): ParsedName {
  if (typeof name !== 'string') {
    throw new InvalidNameError(String(name), `a name must be a string, got ${typeof name}`);
  }
  if (name.length === 0) throw new InvalidNameError(name, 'the name is empty');
  let scope: NameScope = 'session';
  let base = name;
  if (name.startsWith(GLOBAL)) {
    scope = 'global';
    base = name.slice(GLOBAL.length);
  } else if (name.startsWith(LOCAL)) {
    base = name.slice(LOCAL.length);
  }
  if (base.length === 0) throw new InvalidNameError(name, 'nothing follows the prefix');
  const slash = base.indexOf('\\');
  if (slash >= 0) {
    const prefix = base.slice(0, slash + 1);
    throw new InvalidNameError(
      name,
      base === name
        ? `bad prefix ${JSON.stringify(prefix)}: only "Local\\" and "Global\\" are allowed, and they are case-sensitive`
        : `'\\' is not allowed after the prefix`,
    );
  }
  if (base.includes('/')) throw new InvalidNameError(name, `'/' is not allowed in a name`);
  if (base.includes('\0')) throw new InvalidNameError(name, 'NUL is not allowed in a name');
  if (base === '.' || base.includes('..')) throw new InvalidNameError(name, `'.' alone and '..' are not allowed in a name`);
  const bytes = Buffer.byteLength(base, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    throw new InvalidNameError(name, `too long: ${bytes} UTF-8 bytes after the prefix, at most ${MAX_NAME_BYTES}`);
  }
  return { original: name, scope, base };
}

/** A name for a message, whatever the caller passed (JSON.stringify throws on a BigInt). */
export function quoteName(name: unknown): string {
  return typeof name === 'string' ? JSON.stringify(name) : `${typeof name} ${String(name)}`;
}
