namespace Twinmap;

/// <summary>
/// A thin wrapper over <see cref="System.Threading.Mutex"/> with twinmap's names and results, so
/// C# code reads like the TypeScript side. It is the very same OS object as <c>new Mutex(false,
/// name)</c> (an unmodified .NET app interoperates with either). Ownership is per thread, as in
/// .NET: the thread that locked must unlock; a lock taken by <see cref="LockAsync"/> belongs to
/// the object instead (see there).
/// </summary>
public sealed partial class NamedMutex : IDisposable
{
    private readonly Mutex _mutex;

    private NamedMutex(string name, Mutex mutex, bool createdNew)
    {
        Name = name;
        _mutex = mutex;
        CreatedNew = createdNew;
    }

    /// <summary>The name as given, e.g. <c>Global\orders</c>.</summary>
    public string Name { get; }

    /// <summary>True when this call created the mutex.</summary>
    public bool CreatedNew { get; }

    /// <summary>The underlying BCL mutex (for WaitHandle.WaitAny and the like).</summary>
    public Mutex Mutex => _mutex;

#if NET10_0_OR_GREATER
    /// <summary>Creates the mutex; <see cref="AlreadyExistsException"/> if it exists.
    /// <paramref name="options"/>: .NET 10's NamedWaitHandleOptions, exactly as the app you meet
    /// passes them (null: the old overloads, <c>new Mutex(false, name)</c>).</summary>
    public static NamedMutex Create(string name, NamedWaitHandleOptions? options = null)
    {
        var m = OpenOrCreate(name, options);
        if (m.CreatedNew) return m;
        m.Dispose();
        throw new AlreadyExistsException($"named mutex \"{name}\" already exists");
    }

    /// <summary>Opens an existing mutex: <see cref="NotFoundException"/> if there is none,
    /// <see cref="BadHeaderException"/> if its file (Linux) is not a .NET mutex.</summary>
    public static NamedMutex Open(string name, NamedWaitHandleOptions? options = null) =>
        OpenCore(name, Resolve(name, options), () => options is { } o ? Mutex.OpenExisting(name, o) : Mutex.OpenExisting(name));

    /// <summary>Opens the mutex, creating it if needed: <c>new Mutex(false, name)</c>.</summary>
    public static NamedMutex OpenOrCreate(string name, NamedWaitHandleOptions? options = null) =>
        OpenOrCreateCore(name, Resolve(name, options), (out bool createdNew) =>
            options is { } o ? new Mutex(false, name, o, out createdNew) : new Mutex(false, name, out createdNew));

    /// <summary>
    /// The name the options make of <paramref name="name"/> (as NamedWaitHandleOptions does on
    /// Unix: no prefix and not session-only means Global\), checked the way the TS side checks
    /// it, so a contradicting prefix is an <see cref="InvalidNameException"/> on both sides.
    /// </summary>
    private static (ParsedName Parsed, bool UserScope) Resolve(string name, NamedWaitHandleOptions? options)
    {
        if (options is not { } o) return (ParsedName.Parse(name), DefaultIsCurrentUserOnly);
        ArgumentNullException.ThrowIfNull(name);
        if (!name.Contains('\\'))
            return (ParsedName.Parse(o.CurrentSessionOnly || OperatingSystem.IsWindows() ? name : @"Global\" + name), o.CurrentUserOnly);
        bool compatible = o.CurrentSessionOnly ? name.StartsWith(@"Local\", StringComparison.Ordinal)
            : OperatingSystem.IsWindows() ? !name.StartsWith(@"Local\", StringComparison.Ordinal) : name.StartsWith(@"Global\", StringComparison.Ordinal);
        if (!compatible)
            throw new InvalidNameException(name, $"with CurrentSessionOnly {o.CurrentSessionOnly} the prefix must be {(o.CurrentSessionOnly ? @"""Local\""" : OperatingSystem.IsWindows() ? @"other than ""Local\""" : @"""Global\""")}, as .NET requires");
        return (ParsedName.Parse(name), o.CurrentUserOnly);
    }
#else
    // Below .NET 10 the BCL has no NamedWaitHandleOptions: a name means what new Mutex(false, name)
    // makes of it on the runtime that runs (docs/mutex.md, "Options below .NET 10").

    /// <summary>Creates the mutex; <see cref="AlreadyExistsException"/> if it exists.</summary>
    public static NamedMutex Create(string name)
    {
        var m = OpenOrCreate(name);
        if (m.CreatedNew) return m;
        m.Dispose();
        throw new AlreadyExistsException($"named mutex \"{name}\" already exists");
    }

    /// <summary>Opens an existing mutex: <see cref="NotFoundException"/> if there is none,
    /// <see cref="BadHeaderException"/> if its file (Linux) is not a .NET mutex.</summary>
    public static NamedMutex Open(string name) =>
        OpenCore(name, (ParsedName.Parse(name), DefaultIsCurrentUserOnly), () => Mutex.OpenExisting(name));

    /// <summary>Opens the mutex, creating it if needed: <c>new Mutex(false, name)</c>.</summary>
    public static NamedMutex OpenOrCreate(string name) =>
        OpenOrCreateCore(name, (ParsedName.Parse(name), DefaultIsCurrentUserOnly), (out bool createdNew) => new Mutex(false, name, out createdNew));
#endif

    private delegate Mutex MutexFactory(out bool createdNew);

    private static NamedMutex OpenCore(string name, (ParsedName Parsed, bool UserScope) r, Func<Mutex> open)
    {
        var (parsed, userScope) = r;
        CheckTree(name, parsed, userScope);
        try
        {
            return new NamedMutex(name, open(), false);
        }
        catch (WaitHandleCannotBeOpenedException e)
        {
            // .NET says the same for "absent" and "not a mutex"; on Linux the file tells them apart
            // (an absent or stale file is gone by now, a bad one is still there).
            // .NET 11 leaves a stale file in place: a well-formed header means "nobody has it open".
            string? path = SharedMemoryPath(parsed, userScope);
            if (path is not null && File.Exists(path) && !LooksLikeAMutexFile(path))
                throw new BadHeaderException($"named mutex \"{name}\": {path} is not a .NET mutex file ({e.Message})", e);
            throw new NotFoundException($"named mutex \"{name}\" does not exist", e);
        }
        catch (InvalidDataException e)
        {
            // .NET 11 reports a file that is not a mutex this way.
            throw new BadHeaderException($"named mutex \"{name}\": {SharedMemoryPath(parsed, userScope) ?? name} is not a .NET mutex file ({e.Message})", e);
        }
        catch (IOException e) when (userScope)
        {
            throw new TwinmapException(TwinmapErrorCode.Permission, $"named mutex \"{name}\": {SharedMemoryPath(parsed, userScope) ?? name} is not private to this user ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new TwinmapException(TwinmapErrorCode.Os, $"named mutex \"{name}\": cannot open {SharedMemoryPath(parsed, userScope) ?? name}: {e.Message}", e);
        }
    }

    private static NamedMutex OpenOrCreateCore(string name, (ParsedName Parsed, bool UserScope) r, MutexFactory make)
    {
        var (parsed, userScope) = r;
        CheckTree(name, parsed, userScope);
        try
        {
            var mutex = make(out bool createdNew);
            return new NamedMutex(name, mutex, createdNew);
        }
        catch (Exception e) when (e is WaitHandleCannotBeOpenedException or InvalidDataException)
        {
            // .NET 6-10 say WaitHandleCannotBeOpened, .NET 11 InvalidData, for a file that is not a mutex.
            throw new BadHeaderException($"named mutex \"{name}\": {SharedMemoryPath(parsed, userScope) ?? name} is not a .NET mutex ({e.Message})", e);
        }
        catch (IOException e) when (userScope)
        {
            // .NET refuses a user-scoped file that another user owns or others can open.
            throw new TwinmapException(TwinmapErrorCode.Permission, $"named mutex \"{name}\": {SharedMemoryPath(parsed, userScope) ?? name} is not private to this user ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new TwinmapException(TwinmapErrorCode.Os, $"named mutex \"{name}\": cannot open {SharedMemoryPath(parsed, userScope) ?? name}: {e.Message}", e);
        }
    }

    /// <summary>Waits for the lock (default: no limit). Recursive, like <see cref="Mutex"/>.</summary>
    public LockResult Lock(int timeoutMs = Timeout.Infinite)
    {
        if (LockWithAsyncState(timeoutMs) is { } decided) return decided; // see LockAsync
        LockResult r;
        try
        {
            r = _mutex.WaitOne(timeoutMs) ? LockResult.Acquired : LockResult.Timeout;
        }
        catch (AbandonedMutexException)
        {
            r = LockResult.Abandoned; // this thread owns it now
        }
        if (r != LockResult.Timeout)
        {
            int me = Environment.CurrentManagedThreadId;
            lock (_gate)
            {
                if (_syncOwner == me) _syncCount++;
                else (_syncOwner, _syncCount) = (me, 1);
            }
        }
        return r;
    }

    /// <inheritdoc cref="Lock(int)"/>
    public LockResult Lock(TimeSpan timeout) => Lock(checked((int)timeout.TotalMilliseconds));

    /// <summary>Lock(0): never waits.</summary>
    public LockResult TryLock() => Lock(0);

    /// <summary>Releases one lock; <see cref="NotOwnerException"/> if this thread does not hold it
    /// (a lock taken by <see cref="LockAsync"/> is the object's: any thread may release it).</summary>
    public void Unlock()
    {
        if (UnlockAsyncHold()) return; // a LockAsync lock: released by its owner thread
        try
        {
            _mutex.ReleaseMutex();
        }
        catch (Exception e) when (e is ApplicationException || (e is InvalidOperationException && e is not ObjectDisposedException))
        {
            // .NET 6-10 throw ApplicationException, .NET 11 InvalidOperationException.
            throw new NotOwnerException($"unlock: named mutex \"{Name}\" is not held by this thread", e);
        }
        lock (_gate)
        {
            if (_syncOwner == Environment.CurrentManagedThreadId && --_syncCount == 0) _syncOwner = 0;
        }
    }

    /// <summary>Lock, run <paramref name="fn"/>, unlock. A TIMEOUT <see cref="TwinmapException"/> if not taken in time.</summary>
    public T WithLock<T>(Func<LockResult, T> fn, int timeoutMs = Timeout.Infinite)
    {
        var r = Lock(timeoutMs);
        if (r == LockResult.Timeout)
            throw new TimeoutException($"named mutex \"{Name}\": not acquired within {timeoutMs} ms");
        try
        {
            return fn(r);
        }
        finally
        {
            Unlock();
        }
    }

    /// <inheritdoc cref="WithLock{T}(Func{LockResult, T}, int)"/>
    public void WithLock(Action<LockResult> fn, int timeoutMs = Timeout.Infinite) =>
        WithLock(r => { fn(r); return 0; }, timeoutMs);

    /// <summary>Closes the handle. Closing while this thread (or this object's LockAsync) holds it
    /// abandons it (.NET's rule); a LockAsync still waiting fails with CLOSED.</summary>
    public void Dispose()
    {
        DisposeAsyncState();
        _mutex.Dispose();
    }

    /// <summary>
    /// True when <c>new Mutex(false, name)</c> on the runtime that runs makes a user-scoped mutex:
    /// .NET 11 and later do (Linux: a per-user tree), unless the app sets the runtimeconfig switch
    /// <c>System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal</c>; .NET 6-10 never do.
    /// </summary>
    public static bool DefaultIsCurrentUserOnly =>
        Environment.Version.Major >= 11 && !(AppContext.TryGetSwitch(UnsafeDefaultMutexScopeGlobalSwitch, out bool global) && global);

    /// <summary>The runtimeconfig switch that gives .NET 11's <c>new Mutex(false, name)</c> the shared tree of .NET 6-10.</summary>
    public const string UnsafeDefaultMutexScopeGlobalSwitch = "System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal";
}
