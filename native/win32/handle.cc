// Handle: see handle.h. The wait thread is a plain std::thread with a one-slot job queue;
// results come back to JS through a thread-safe function that keeps the event loop alive
// only while a wait is pending.
#include "win32/handle.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace twinmap::win32 {

// The Handle class of each Node environment (main thread, each worker): a process-wide static
// would outlive a terminated worker's environment.
struct PerEnv {
  Napi::FunctionReference handle;
};

namespace {

// What a wait ended with, as JS sees it.
const char* Outcome(DWORD r) {
  switch (r) {
    case WAIT_OBJECT_0:
      return "signaled";
    case WAIT_ABANDONED:
      return "abandoned";
    case WAIT_TIMEOUT:
      return "timeout";
    default:
      return nullptr;
  }
}

struct AsyncResult {
  Napi::Promise::Deferred deferred;
  const char* outcome = nullptr;  // nullptr: failed with `error`
  DWORD error = 0;
  const char* syscall = "";
};

}  // namespace

class WaitThread {
 public:
  explicit WaitThread(Napi::Env env) {
    cancel_ = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    // At environment teardown Node may finalize the tsfn before this object: remember it, so
    // the destructor does not release a tsfn that is gone.
    std::shared_ptr<State> state = state_;
    state_->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function(), "twinmap.waitAsync", 0, 1, [state](Napi::Env) {
      std::lock_guard<std::mutex> lock(state->mu);  // waits out a Deliver() in progress
      state->dead = true;
    });
    state_->tsfn.Unref(env);
    thread_ = std::thread([this] { Loop(); });
  }

  ~WaitThread() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    ::SetEvent(cancel_);
    thread_.join();
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!state_->dead) {
      state_->dead = true;  // a result still queued for JS must not touch the released tsfn
      state_->tsfn.Release();
    }
    CloseHandle(cancel_);
  }

  bool Busy() const { return state_->pending > 0; }

  // Waits for `h` on the thread (or for cancel); resolves with the outcome.
  Napi::Value Submit(Napi::Env env, HANDLE h, DWORD timeout) {
    auto* result = new AsyncResult{Napi::Promise::Deferred::New(env)};
    Napi::Promise promise = result->deferred.Promise();
    if (state_->pending++ == 0) state_->tsfn.Ref(env);
    ::ResetEvent(cancel_);
    Post([this, h, timeout, result] {
      HANDLE both[2] = {h, cancel_};
      DWORD r = WaitForMultipleObjects(2, both, FALSE, timeout);
      if (r == WAIT_OBJECT_0 + 1) {
        result->outcome = "canceled";
      } else if (r == WAIT_ABANDONED_0) {
        result->outcome = "abandoned";
      } else if ((result->outcome = Outcome(r)) == nullptr) {
        result->error = GetLastError();
        result->syscall = "WaitForMultipleObjects";
      }
      Deliver(result);
    });
    return promise;
  }

  // Runs fn on the thread and waits for it; returns its Win32 error (0 = success).
  DWORD RunSync(std::function<DWORD()> fn) {
    std::mutex done_mu;
    std::condition_variable done_cv;
    bool done = false;
    DWORD err = 0;
    Post([&] {
      err = fn();
      std::lock_guard<std::mutex> lock(done_mu);
      done = true;
      done_cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(done_mu);
    done_cv.wait(lock, [&] { return done; });
    return err;
  }

  void Cancel() { ::SetEvent(cancel_); }

  DWORD ThreadId() {
    DWORD id = 0;
    RunSync([&id]() -> DWORD {
      id = GetCurrentThreadId();
      return 0;
    });
    return id;
  }

 private:
  void Post(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
  }

  // On the wait thread. Node deletes the tsfn right after its finalizer at environment teardown
  // (a terminated worker), possibly while this thread is here: the finalizer takes `mu` and sets
  // `dead`, so the tsfn is only called while it exists.
  void Deliver(AsyncResult* result) {
    std::shared_ptr<State> state = state_;
    std::lock_guard<std::mutex> lock(state->mu);
    if (state->dead) {
      delete result;
      return;
    }
    napi_status s = state_->tsfn.NonBlockingCall(result, [state](Napi::Env env, Napi::Function, AsyncResult* r) {
      if (--state->pending == 0 && !state->dead) state->tsfn.Unref(env);
      if (r->outcome != nullptr) {
        r->deferred.Resolve(Napi::String::New(env, r->outcome));
      } else {
        // Build the same error ThrowWin32 throws, without throwing it.
        ThrowWin32(env, r->error, r->syscall);
        Napi::Error e = env.GetAndClearPendingException();
        r->deferred.Reject(e.Value());
      }
      delete r;
    });
    if (s != napi_ok) delete result;  // the environment is shutting down
  }

  void Loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stop_ and nothing left to run
        job = std::move(jobs_.front());
        jobs_.erase(jobs_.begin());
      }
      job();
    }
  }

  // Shared with results queued for JS, which may run after this object is gone. `pending` is
  // touched on the JS thread only; `dead` (the tsfn is gone or released) under `mu`.
  struct State {
    Napi::ThreadSafeFunction tsfn;
    int pending = 0;
    std::mutex mu;
    bool dead = false;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
  HANDLE cancel_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;
};

Napi::Function Handle::Define(Napi::Env env) {
  Napi::Function f = DefineClass(env, "Handle",
                                 {InstanceAccessor<&Handle::Closed>("closed"),
                                  InstanceMethod<&Handle::Close>("close"),
                                  InstanceMethod<&Handle::Wait>("wait"),
                                  InstanceMethod<&Handle::WaitAsync>("waitAsync"),
                                  InstanceMethod<&Handle::CancelWaitAsync>("cancelWaitAsync"),
                                  InstanceMethod<&Handle::ReleaseMutex>("releaseMutex"),
                                  InstanceMethod<&Handle::ReleaseMutexOnWaitThread>("releaseMutexOnWaitThread"),
                                  InstanceMethod<&Handle::WaitOnThread>("waitOnThread"),
                                  InstanceAccessor<&Handle::WaitThreadId>("waitThreadId"),
                                  InstanceMethod<&Handle::EndWaitThread>("endWaitThread"),
                                  InstanceMethod<&Handle::SetEvent>("setEvent"),
                                  InstanceMethod<&Handle::ResetEvent>("resetEvent"),
                                  InstanceMethod<&Handle::FileSize>("fileSize")});
  env.SetInstanceData(new PerEnv{Napi::Persistent(f)});
  return f;
}

Napi::Object Handle::Wrap(Napi::Env env, HANDLE h) {
  return env.GetInstanceData<PerEnv>()->handle.New({Napi::External<void>::New(env, h)});
}

HANDLE Handle::From(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(env.GetInstanceData<PerEnv>()->handle.Value())) {
    ThrowType(env, std::string(what) + " must be a win32 Handle");
    return nullptr;
  }
  Handle* self = Unwrap(v.As<Napi::Object>());
  if (self->handle_ == nullptr) {
    ThrowWin32(env, ERROR_INVALID_HANDLE, what, "the handle is closed");
    return nullptr;
  }
  return self->handle_;
}

// Only Wrap() constructs handles (it passes the HANDLE as an External).
Handle::Handle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Handle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    ThrowType(info.Env(), "win32.Handle cannot be constructed from JS");
    return;
  }
  handle_ = info[0].As<Napi::External<void>>().Data();
}

Handle::~Handle() { Shutdown(); }

void Handle::Shutdown() {
  delete thread_;  // cancels a pending wait and joins the thread
  thread_ = nullptr;
  if (handle_ != nullptr) CloseHandle(handle_);
  handle_ = nullptr;
}

Napi::Value Handle::Closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), handle_ == nullptr); }

Napi::Value Handle::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

// wait(timeoutMs = -1): "signaled" | "abandoned" | "timeout", on the calling thread.
Napi::Value Handle::Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "WaitForSingleObject", "the handle is closed");
  DWORD r = WaitForSingleObject(handle_, TimeoutMs(info[0]));
  const char* outcome = Outcome(r);
  if (outcome == nullptr) return ThrowWin32(env, GetLastError(), "WaitForSingleObject");
  return Napi::String::New(env, outcome);
}

// waitAsync(timeoutMs = -1): Promise of "signaled" | "abandoned" | "timeout" | "canceled".
Napi::Value Handle::WaitAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "WaitForMultipleObjects", "the handle is closed");
  if (thread_ != nullptr && thread_->Busy()) {
    return ThrowWin32(env, ERROR_INVALID_PARAMETER, "waitAsync", "an async wait is already pending on this handle");
  }
  return Thread(env)->Submit(env, handle_, TimeoutMs(info[0]));
}

WaitThread* Handle::Thread(Napi::Env env) {
  if (thread_ == nullptr) thread_ = new WaitThread(env);
  return thread_;
}

// waitOnThread(timeoutMs = -1): wait() run on the wait thread; the JS thread blocks meanwhile.
Napi::Value Handle::WaitOnThread(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "WaitForSingleObject", "the handle is closed");
  if (thread_ != nullptr && thread_->Busy()) {
    return ThrowWin32(env, ERROR_INVALID_PARAMETER, "waitOnThread", "an async wait is pending on this handle");
  }
  HANDLE h = handle_;
  DWORD timeout = TimeoutMs(info[0]);
  DWORD r = 0;
  DWORD err = Thread(env)->RunSync([h, timeout, &r]() -> DWORD {
    r = WaitForSingleObject(h, timeout);
    return r == WAIT_FAILED ? GetLastError() : 0;
  });
  const char* outcome = Outcome(r);
  if (outcome == nullptr) return ThrowWin32(env, err, "WaitForSingleObject");
  return Napi::String::New(env, outcome);
}

// The OS id of the wait thread (started if needed): the owner of what it acquired.
Napi::Value Handle::WaitThreadId(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "waitThreadId", "the handle is closed");
  return Napi::Number::New(env, static_cast<double>(Thread(env)->ThreadId()));
}

// endWaitThread(): cancels a pending async wait and ends the thread; a mutex it still owns is
// abandoned (its next waiter gets WAIT_ABANDONED). A later wait starts a new thread.
Napi::Value Handle::EndWaitThread(const Napi::CallbackInfo& info) {
  delete thread_;
  thread_ = nullptr;
  return info.Env().Undefined();
}

Napi::Value Handle::CancelWaitAsync(const Napi::CallbackInfo& info) {
  if (thread_ != nullptr && thread_->Busy()) thread_->Cancel();
  return info.Env().Undefined();
}

Napi::Value Handle::ReleaseMutex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "ReleaseMutex", "the handle is closed");
  if (!::ReleaseMutex(handle_)) return ThrowWin32(env, GetLastError(), "ReleaseMutex");
  return env.Undefined();
}

// Releases a mutex that waitAsync() acquired: it belongs to the wait thread.
Napi::Value Handle::ReleaseMutexOnWaitThread(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "ReleaseMutex", "the handle is closed");
  if (thread_ == nullptr) return ThrowWin32(env, ERROR_NOT_OWNER, "ReleaseMutex", "no async wait ever ran on this handle");
  if (thread_->Busy()) return ThrowWin32(env, ERROR_NOT_OWNER, "ReleaseMutex", "an async wait is still pending");
  HANDLE h = handle_;
  DWORD err = thread_->RunSync([h]() -> DWORD { return ::ReleaseMutex(h) ? 0 : GetLastError(); });
  if (err != 0) return ThrowWin32(env, err, "ReleaseMutex");
  return env.Undefined();
}

Napi::Value Handle::SetEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "SetEvent", "the handle is closed");
  if (!::SetEvent(handle_)) return ThrowWin32(env, GetLastError(), "SetEvent");
  return env.Undefined();
}

Napi::Value Handle::ResetEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "ResetEvent", "the handle is closed");
  if (!::ResetEvent(handle_)) return ThrowWin32(env, GetLastError(), "ResetEvent");
  return env.Undefined();
}

Napi::Value Handle::FileSize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (handle_ == nullptr) return ThrowWin32(env, ERROR_INVALID_HANDLE, "GetFileSizeEx", "the handle is closed");
  LARGE_INTEGER size;
  if (!GetFileSizeEx(handle_, &size)) return ThrowWin32(env, GetLastError(), "GetFileSizeEx");
  return Napi::Number::New(env, static_cast<double>(size.QuadPart));
}

namespace {
void Register(Napi::Env env, Napi::Object exports) { Namespace(env, exports).Set("Handle", Handle::Define(env)); }
}  // namespace

}  // namespace twinmap::win32

TWINMAP_MODULE(handle, twinmap::win32::Register);
