// The typed errors every twinmap API throws. Each names what was wrong (which name, which
// field, which offset) in its message and carries a stable `code` for programs to branch on.
// The C# side has the same family (dotnet/Twinmap/Errors/) with the same codes.

export type TwinmapErrorCode =
  | 'INVALID_NAME' // a name that neither side could accept
  | 'NOT_FOUND' // open of something that does not exist
  | 'ALREADY_EXISTS' // create of something that exists
  | 'CLOSED' // use after close/dispose
  | 'BAD_HEADER' // shared memory or a file whose header/layout is not what it must be
  | 'PERMISSION' // the OS refused access
  | 'INVALID_ARGUMENT' // a size, offset, timeout or option out of range
  | 'NOT_OWNER' // unlock of a mutex this thread does not hold
  | 'WOULD_DEADLOCK' // a blocking call that could never return (e.g. lock() while this process's lockAsync() waits)
  | 'TIMEOUT' // a blocking call ran out of time where the API reports it as an error
  | 'DECODE' // bytes that do not match a format (field path + offset in the message)
  | 'ENCODE' // a value that cannot be written in a format
  | 'UNSUPPORTED' // a feature or platform not supported (says which)
  | 'PEER_GONE' // the process on the other side died or closed
  | 'TOO_LARGE' // a record larger than the channel can ever hold
  | 'REMOTE' // the other side's request handler failed (its message is in this one)
  | 'GENERATION_MISMATCH' // a named mutex open in another .NET generation's tree (docs/mutex.md)
  | 'OS'; // any other OS error (errno name in `osCode`)

export class TwinmapError extends Error {
  override name = 'TwinmapError';
  /** The errno name (e.g. "ENOENT") when an OS call failed. */
  readonly osCode: string | undefined;

  constructor(
    readonly code: TwinmapErrorCode,
    message: string,
    options?: { cause?: unknown; osCode?: string | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.osCode = options?.osCode;
  }
}

export class InvalidNameError extends TwinmapError {
  override name = 'InvalidNameError';
  constructor(
    /** The name that was refused. */
    readonly invalidName: string,
    reason: string,
  ) {
    super('INVALID_NAME', `invalid name ${JSON.stringify(invalidName)}: ${reason}`);
  }
}

export class NotFoundError extends TwinmapError {
  override name = 'NotFoundError';
  constructor(message: string, options?: { cause?: unknown; osCode?: string }) {
    super('NOT_FOUND', message, options);
  }
}

export class AlreadyExistsError extends TwinmapError {
  override name = 'AlreadyExistsError';
  constructor(message: string, options?: { cause?: unknown; osCode?: string }) {
    super('ALREADY_EXISTS', message, options);
  }
}

export class ClosedError extends TwinmapError {
  override name = 'ClosedError';
  constructor(what: string) {
    super('CLOSED', `${what} is closed`);
  }
}

/**
 * A named mutex that a live process has open where another .NET generation keeps it (e.g. a
 * .NET 11 app's per-user tree while you asked for .NET 10's /tmp/.dotnet): the two would never
 * exclude each other. `paths` are both files; the message names the option to use.
 */
export class DotnetGenerationMismatchError extends TwinmapError {
  override name = 'DotnetGenerationMismatchError';
  constructor(
    /** The mutex name as given. */
    readonly mutexName: string,
    /** The file asked for (or the first found) and the other one. */
    readonly paths: readonly [string, string],
    message: string,
  ) {
    super('GENERATION_MISMATCH', message);
  }
}

export class BadHeaderError extends TwinmapError {
  override name = 'BadHeaderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_HEADER', message, options);
  }
}

/** A write was asked of something opened read-only (e.g. a writable view of a read-only SharedMap). */
export class ReadOnlyError extends TwinmapError {
  override name = 'ReadOnlyError';
  constructor(message: string) {
    super('PERMISSION', message);
  }
}

/** unlock() of a named mutex that this process (thread) does not hold. */
export class NotOwnerError extends TwinmapError {
  override name = 'NotOwnerError';
  constructor(message: string) {
    super('NOT_OWNER', message);
  }
}

/** The process on the other side of a channel died or closed; the operation did not happen. */
export class PeerGoneError extends TwinmapError {
  override name = 'PeerGoneError';
  constructor(message: string) {
    super('PEER_GONE', message);
  }
}

/** A record larger than a channel can ever hold. */
export class TooLargeError extends TwinmapError {
  override name = 'TooLargeError';
  constructor(message: string) {
    super('TOO_LARGE', message);
  }
}

/** A blocking call that reports running out of time as an error (e.g. a channel send). */
export class TimeoutError extends TwinmapError {
  override name = 'TimeoutError';
  constructor(message: string) {
    super('TIMEOUT', message);
  }
}

/** Turns an error thrown by the addon (errno-shaped, like Node's fs errors) into a typed error. */
export function fromOsError(e: unknown, what: string): TwinmapError {
  if (e instanceof TwinmapError) return e;
  const osCode = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
  const detail = e instanceof Error ? e.message : String(e);
  const message = `${what}: ${detail}`;
  switch (osCode) {
    case 'ENOENT':
      return new NotFoundError(message, { cause: e, osCode });
    case 'EEXIST':
      return new AlreadyExistsError(message, { cause: e, osCode });
    case 'EACCES':
    case 'EPERM':
      return new TwinmapError('PERMISSION', message, { cause: e, osCode });
    case 'ENAMETOOLONG':
      return new TwinmapError('INVALID_NAME', message, { cause: e, osCode });
    case 'EINVAL':
      return new TwinmapError('INVALID_ARGUMENT', message, { cause: e, osCode });
    case 'ENOTSUP_WINDOWS':
      return new TwinmapError('UNSUPPORTED', message, { cause: e, osCode });
    // Win32 error names (native/win32/errors.cc), mapped to the same types as the errno names.
    case 'ERROR_FILE_NOT_FOUND':
    case 'ERROR_PATH_NOT_FOUND':
      return new NotFoundError(message, { cause: e, osCode });
    case 'ERROR_ALREADY_EXISTS':
    case 'ERROR_FILE_EXISTS':
      return new AlreadyExistsError(message, { cause: e, osCode });
    case 'ERROR_ACCESS_DENIED':
    case 'ERROR_SHARING_VIOLATION':
    case 'ERROR_PRIVILEGE_NOT_HELD':
      return new TwinmapError('PERMISSION', message, { cause: e, osCode });
    case 'ERROR_INVALID_NAME':
    case 'ERROR_FILENAME_EXCED_RANGE':
    case 'ERROR_BAD_PATHNAME':
      return new TwinmapError('INVALID_NAME', message, { cause: e, osCode });
    case 'ERROR_INVALID_PARAMETER':
      return new TwinmapError('INVALID_ARGUMENT', message, { cause: e, osCode });
    case 'ERROR_NOT_OWNER':
      return new TwinmapError('NOT_OWNER', message, { cause: e, osCode });
    default:
      return new TwinmapError('OS', message, { cause: e, osCode });
  }
}
