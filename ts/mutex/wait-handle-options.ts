// .NET 10's NamedWaitHandleOptions (`new Mutex(name, options)`), mirrored so that Node opens the
// mutex such a .NET program opens. Giving either option means "the options overload": the other
// one then defaults to true, as in .NET. Without options the name is used as the old overloads
// (`new Mutex(false, name)`) use it.
//   currentUserOnly:    Linux: the file lives in a tree private to the user (0700 dirs, 0600 file,
//                       owner checked on open): /tmp/.dotnet-uid<euid> on .NET 10, the per-user
//                       tree on .NET 11 (generation.ts); false: /tmp/.dotnet (0777/0666).
//   currentSessionOnly: a name without prefix becomes "Global\<name>" when false (Windows: and
//                       "Local\<name>" when true); a prefix must then be "Local\" (true) or
//                       "Global\" (false; Windows: anything but "Local\"), else the name is refused.
import { InvalidNameError, TwinmapError } from '../errors.js';
import { quoteName } from '../names.js';

export interface NamedWaitHandleOptions {
  /** Only processes of this user (Linux: this effective uid) can open it. .NET's default: true. */
  readonly currentUserOnly?: boolean;
  /** Only this session (Linux: getsid()) sees it. .NET's default: true. */
  readonly currentSessionOnly?: boolean;
}

export interface ResolvedName {
  /** The name with the prefix .NET would give it. */
  readonly name: string;
  /** undefined: no options given (the old overloads; what that means depends on the .NET generation). */
  readonly currentUserOnly: boolean | undefined;
}

const LOCAL = 'Local\\';
const GLOBAL = 'Global\\';

/** What .NET's options overloads do to a name on Unix (NamedWaitHandleOptionsInternal). */
export function resolveWaitHandleOptions(name: string, options: NamedWaitHandleOptions | undefined): ResolvedName {
  const userOnly = options?.currentUserOnly;
  const sessionOnly = options?.currentSessionOnly;
  if (userOnly === undefined && sessionOnly === undefined) return { name, currentUserOnly: undefined };
  for (const [key, value] of [['currentUserOnly', userOnly], ['currentSessionOnly', sessionOnly]] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TwinmapError('INVALID_ARGUMENT', `named mutex ${quoteName(name)}: ${key} must be a boolean, got ${typeof value} ${String(value)}`);
    }
  }
  const session = sessionOnly ?? true;
  const windows = process.platform === 'win32';
  if (typeof name !== 'string') return { name, currentUserOnly: userOnly ?? true }; // parseName reports it
  if (!name.includes('\\')) {
    // Windows always prefixes: services start in the global namespace.
    const prefixed = session ? (windows ? `${LOCAL}${name}` : name) : `${GLOBAL}${name}`;
    return { name: prefixed, currentUserOnly: userOnly ?? true };
  }
  // Windows allows any other prefix (a private namespace) when not session-only.
  const incompatible = session ? !name.startsWith(LOCAL) : windows ? name.startsWith(LOCAL) : !name.startsWith(GLOBAL);
  if (incompatible) {
    throw new InvalidNameError(
      name,
      `with currentSessionOnly ${String(session)} the prefix must be ${session ? JSON.stringify(LOCAL) : windows ? `other than ${JSON.stringify(LOCAL)}` : JSON.stringify(GLOBAL)}, as .NET requires`,
    );
  }
  return { name, currentUserOnly: userOnly ?? true };
}
