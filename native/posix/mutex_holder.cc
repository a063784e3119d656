// A dedicated OS thread that acquires a pthread mutex, keeps it, and releases it when told.
//
// Why: a robust recursive pthread mutex belongs to the OS thread that locked it and only that
// thread may unlock it, and a blocking lock on the JS thread stalls the event loop. So an async
// lock runs on its own thread for as long as it is held.
//
//   new MutexHolder(buffer, offset, timeoutMs, onEvent)
//     onEvent(kind, code, tid, errorCode) is called exactly once on the JS thread, with kind
//       "locked"    code 0 acquired / 1 owner died (already made consistent on this thread,
//                   where glibc requires it); tid = gettid() of the holder thread
//       "timeout"   the timeout passed
//       "cancelled" cancel() came first (if the lock was taken meanwhile it was let go at once)
//       "error"     errorCode is the errno name of a failed lock call
//   new MutexHolder(buffer, offset, timeoutMs, null) is synchronous: wait() blocks until that
//     outcome and returns [kind, code, tid, errorCode] (used where the JS thread must not own
//     the lock itself: worker threads, whose teardown would unmap the mutex before the thread dies)
//   release()  unlocks on the holder thread and joins it (returns after the unlock; throws its error)
//   cancel()   stops waiting; the "cancelled" event follows within one wait slice (100 ms)
//
// The thread waits in timedlock slices so cancel() is seen; the mapping must stay mapped until
// the event arrives (the TS layer keeps the file open until then). The ArrayBuffer is referenced
// so garbage collection cannot unmap it meanwhile.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/mapped_pages.h"
#include "common/termination.h"
#include "common/timeouts.h"
#include "posix/pthread_mutex.h"

namespace {

constexpr double kSliceMs = 100;  // same as the PAL's poll-loop maximum sleep

struct Event {
  const char* kind;
  int code;
  long tid;
  int err;
};

struct State {
  pthread_mutex_t* mutex = nullptr;
  // The pages holding the mutex, kept mapped while this thread may touch them (an unmap() of the
  // mapping from JS then waits for the thread to end).
  std::shared_ptr<twinmap::Pages> pin;
  double timeout_ms = -1;
  std::atomic<bool> cancel{false};
  std::atomic<bool> held{false};  // set before the "locked" event; release() needs it
  std::mutex gate;
  std::condition_variable wake;
  bool release = false;  // guarded by gate: unlock, then end
  bool quit = false;     // guarded by gate: end without unlocking (the lock is then abandoned)
  int unlock_error = 0;  // written by the thread before it ends
  Napi::ThreadSafeFunction tsfn;
  // Synchronous mode (no callback given): the outcome waits here for wait().
  bool sync = false;
  bool reported = false;  // guarded by gate
  Event outcome{};        // guarded by gate
  std::condition_variable reported_cv;
};

void CallJs(Napi::Env env, Napi::Function fn, Event* ev) {
  if (env != nullptr && fn != nullptr) {
    fn.Call({Napi::String::New(env, ev->kind), Napi::Number::New(env, ev->code),
             Napi::Number::New(env, static_cast<double>(ev->tid)),
             ev->err == 0 ? env.Undefined() : Napi::String::New(env, twinmap::ErrnoName(ev->err))});
  }
  delete ev;
}

void Report(State& s, const char* kind, int code, long tid, int err) {
  if (s.sync) {
    {
      std::lock_guard<std::mutex> lk(s.gate);
      s.outcome = Event{kind, code, tid, err};
      s.reported = true;
    }
    s.reported_cv.notify_one();
    return;
  }
  // One event, then the function is released: a held lock does not keep the event loop alive.
  auto* ev = new Event{kind, code, tid, err};
  if (s.tsfn.NonBlockingCall(ev, CallJs) != napi_ok) delete ev;  // the environment is going away
  s.tsfn.Release();
}

void Run(std::shared_ptr<State> s) {
  long tid = static_cast<long>(syscall(SYS_gettid));
  using Clock = std::chrono::steady_clock;
  auto end = Clock::now() + std::chrono::microseconds(static_cast<long long>(s->timeout_ms * 1000));
  int rc;
  for (;;) {
    if (s->cancel.load()) return Report(*s, "cancelled", 0, tid, 0);
    if (s->timeout_ms == 0) {
      rc = pthread_mutex_trylock(s->mutex);
    } else {
      double slice = kSliceMs;
      if (s->timeout_ms > 0) {
        double left = std::chrono::duration<double, std::milli>(end - Clock::now()).count();
        if (left <= 0) return Report(*s, "timeout", twinmap::kTimeout, tid, 0);
        if (left < slice) slice = left;
      }
      struct timespec deadline = twinmap::DeadlineIn(slice);
      rc = pthread_mutex_timedlock(s->mutex, &deadline);
    }
    if (rc == 0 || rc == EOWNERDEAD) break;
    if (rc == EBUSY && s->timeout_ms == 0) return Report(*s, "timeout", twinmap::kTimeout, tid, 0);
    if (rc != ETIMEDOUT) return Report(*s, "error", 0, tid, rc);
  }
  int code = twinmap::kAcquired;
  if (rc == EOWNERDEAD) {
    // pthread_mutex_consistent marks the caller as owner, so it must run here.
    int err = pthread_mutex_consistent(s->mutex);
    if (err != 0) {
      pthread_mutex_unlock(s->mutex);
      return Report(*s, "error", 0, tid, err);
    }
    code = twinmap::kOwnerDead;
  }
  if (s->cancel.load()) {
    pthread_mutex_unlock(s->mutex);
    return Report(*s, "cancelled", 0, tid, 0);
  }
  s->held.store(true);
  Report(*s, "locked", code, tid, 0);
  std::unique_lock<std::mutex> lk(s->gate);
  s->wake.wait(lk, [&] { return s->release || s->quit; });
  // quit: the JS side is gone (GC or worker teardown). Ending while holding the mutex is a thread
  // dying with it: the kernel's robust list marks it owner-died (the next locker gets
  // EOWNERDEAD, .NET an AbandonedMutexException), and Stop() joins before the memory can go.
  if (s->release) s->unlock_error = pthread_mutex_unlock(s->mutex);
}

class MutexHolder : public Napi::ObjectWrap<MutexHolder> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MutexHolder",
                       {InstanceMethod<&MutexHolder::Release>("release"), InstanceMethod<&MutexHolder::Cancel>("cancel"),
                        InstanceMethod<&MutexHolder::Join>("join"), InstanceMethod<&MutexHolder::Wait>("wait")});
  }

  explicit MutexHolder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MutexHolder>(info) {
    Napi::Env env = info.Env();
    pthread_mutex_t* m = twinmap::MutexAt(env, info[0], info[1], "MutexHolder");
    if (m == nullptr) return;
    bool sync = info.Length() >= 4 && (info[3].IsNull() || info[3].IsUndefined());
    if (info.Length() < 4 || !info[2].IsNumber() || !(sync || info[3].IsFunction())) {
      twinmap::ThrowType(env, "MutexHolder(buffer, offset, timeoutMs, onEvent | null) expects (ArrayBuffer, number, number, function | null)");
      return;
    }
    buffer_ = Napi::Persistent(info[0].As<Napi::ArrayBuffer>());
    state_ = std::make_shared<State>();
    state_->mutex = m;
    state_->pin = twinmap::PinPages(m, sizeof(pthread_mutex_t));
    state_->timeout_ms = twinmap::ClampTimeoutMs(info[2].As<Napi::Number>().DoubleValue());
    state_->sync = sync;
    if (!sync) state_->tsfn = Napi::ThreadSafeFunction::New(env, info[3].As<Napi::Function>(), "twinmap.MutexHolder", 0, 1);
    thread_ = std::thread(Run, state_);
    // A worker's environment can be torn down (and its mappings unmapped) while this thread
    // waits or holds: stop it first.
    env_ = env;
    napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
    hooked_ = true;
  }

  ~MutexHolder() override {
    Unhook();
    Stop();
  }

  // Ends the thread without a normal release and waits for it (at most one 100 ms wait slice).
  void Stop() {
    if (!thread_.joinable()) return;
    state_->cancel.store(true);
    {
      std::lock_guard<std::mutex> lk(state_->gate);
      state_->quit = true;
    }
    state_->wake.notify_one();
    thread_.join();
    state_->pin.reset();
  }

  static void OnEnvCleanup(void* self) {
    auto* h = static_cast<MutexHolder*>(self);
    h->hooked_ = false;
    h->Stop();
  }

 private:
  Napi::Value Release(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!state_ || !thread_.joinable() || !state_->held.load()) return twinmap::ThrowErrno(env, EINVAL, "MutexHolder.release", "not holding");
    {
      std::lock_guard<std::mutex> lk(state_->gate);
      state_->release = true;
    }
    state_->wake.notify_one();
    thread_.join();
    Reaped();
    if (state_->unlock_error != 0) return twinmap::ThrowErrno(env, state_->unlock_error, "pthread_mutex_unlock");
    return env.Undefined();
  }

  // Synchronous mode: blocks the calling thread until the outcome, returns
  // [kind, code, tid, errorCode | undefined]; for anything but "locked" the thread is reaped.
  Napi::Value Wait(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!state_ || !state_->sync) return twinmap::ThrowErrno(env, EINVAL, "MutexHolder.wait", "not a synchronous holder");
    Event ev;
    bool terminating = false;
    {
      // This blocks the JS thread: a worker being terminated cancels the wait and ends.
      std::unique_lock<std::mutex> lk(state_->gate);
      while (!state_->reported_cv.wait_for(lk, std::chrono::milliseconds(100), [&] { return state_->reported; })) {
        lk.unlock();
        if (!terminating && twinmap::Terminating(env)) {
          terminating = true;
          state_->cancel.store(true);
        }
        lk.lock();
      }
      ev = state_->outcome;
    }
    // Taken just as the environment began its teardown: the caller will never see it.
    if (!terminating && std::string(ev.kind) == "locked" && twinmap::Terminating(env)) terminating = true;
    if (terminating) {
      // No JS runs any more. A lock taken meanwhile was never handed out: let it go normally
      // (not abandoned), then end the thread.
      if (std::string(ev.kind) == "locked") {
        {
          std::lock_guard<std::mutex> lk(state_->gate);
          state_->release = true;
        }
        state_->wake.notify_one();
      }
      if (thread_.joinable()) thread_.join();
      Reaped();
      return env.Undefined();
    }
    if (std::string(ev.kind) != "locked" && thread_.joinable()) {
      thread_.join();
      Reaped();
    }
    Napi::Array out = Napi::Array::New(env, 4);
    out.Set(0u, Napi::String::New(env, ev.kind));
    out.Set(1u, Napi::Number::New(env, ev.code));
    out.Set(2u, Napi::Number::New(env, static_cast<double>(ev.tid)));
    out.Set(3u, ev.err == 0 ? env.Undefined() : Napi::String::New(env, twinmap::ErrnoName(ev.err)));
    return out;
  }

  Napi::Value Cancel(const Napi::CallbackInfo& info) {
    if (state_) state_->cancel.store(true);
    return info.Env().Undefined();
  }

  // Called by TS from the event callback for every event but "locked": the thread has sent its
  // only event and is ending, so this returns at once; nothing is left behind.
  Napi::Value Join(const Napi::CallbackInfo& info) {
    if (thread_.joinable()) thread_.join();
    Reaped();
    return info.Env().Undefined();
  }

  // After the thread is joined: let go of everything it needed. The pages go now, not when this
  // object is collected (a mapping keeps its file, and a flock on it, alive).
  void Reaped() {
    Unhook();
    buffer_.Reset();
    if (state_) state_->pin.reset();
  }

  void Unhook() {
    if (hooked_) napi_remove_env_cleanup_hook(env_, OnEnvCleanup, this);
    hooked_ = false;
  }

  std::shared_ptr<State> state_;
  std::thread thread_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  napi_env env_ = nullptr;
  bool hooked_ = false;
};

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("MutexHolder", MutexHolder::Define(env));
}

}  // namespace

TWINMAP_MODULE(mutex_holder, Register);
