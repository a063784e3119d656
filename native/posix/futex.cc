// Wait/wake on a 32-bit word in a mapping: the futex syscall, nothing more. Events and
// channel wake-ups (ts/event, ts/channel) are built on this; the protocol lives in TS.
//
// The futex is the shared (non-private) kind, because the word sits in a MAP_SHARED
// mapping that other processes (.NET through its own syscall) wait and wake on.
//
//   futexWait(buffer, offset, expected, timeoutMs) -> "woken" | "timeout" | "changed"
//   futexWake(buffer, offset, count) -> number of waiters woken
//   new FutexWaiter(buffer, offset): the same wait on a thread of its own, so the event
//     loop keeps running; wait(expected, timeoutMs, callback(result)), cancel(), close().
//
// Every offset is checked against the buffer (4-byte aligned, inside it), so a bad offset
// is a TypeError, never a fault. timeoutMs < 0 means wait without a time limit.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <memory>
#include <cstdint>
#include <mutex>
#include <thread>

#include "common/mapped_pages.h"
#include "common/registry.h"
#include "common/termination.h"
#include "common/timeouts.h"

namespace {

long SysFutex(uint32_t* addr, int op, uint32_t val, const struct timespec* ts) {
  return syscall(SYS_futex, addr, op, val, ts, nullptr, 0);
}

enum class WaitResult { Woken, Timeout, Changed, Fault };

// How often a wait that blocks the JS thread looks for the environment's termination.
constexpr double kTerminationCheckMs = 100;

const char* ResultName(WaitResult r) {
  switch (r) {
    case WaitResult::Woken:
      return "woken";
    case WaitResult::Timeout:
      return "timeout";
    case WaitResult::Changed:
      return "changed";
    default:
      return "fault";
  }
}

// One FUTEX_WAIT. EINTR counts as woken: every caller re-checks its condition anyway.
WaitResult Wait(uint32_t* addr, uint32_t expected, double timeoutMs) {
  struct timespec ts;
  struct timespec* tsp = nullptr;
  timeoutMs = twinmap::ClampTimeoutMs(timeoutMs);
  if (timeoutMs >= 0) {
    // FUTEX_WAIT's timeout is relative (CLOCK_MONOTONIC).
    double secs = timeoutMs / 1000.0;
    ts.tv_sec = static_cast<time_t>(secs);
    ts.tv_nsec = static_cast<long>((secs - static_cast<double>(ts.tv_sec)) * 1e9);
    tsp = &ts;
  }
  if (SysFutex(addr, FUTEX_WAIT, expected, tsp) == 0) return WaitResult::Woken;
  switch (errno) {
    case ETIMEDOUT:
      return WaitResult::Timeout;
    case EAGAIN:
      return WaitResult::Changed;
    case EINTR:
      return WaitResult::Woken;
    default:
      return WaitResult::Fault;
  }
}

// Resolves (buffer, offset) to the word's address, or throws a TypeError and returns null.
uint32_t* WordAt(Napi::Env env, const Napi::Value& buffer, const Napi::Value& offset) {
  if (!buffer.IsArrayBuffer() || !offset.IsNumber()) {
    twinmap::ThrowType(env, "futex: expects (ArrayBuffer, offset: number, ...)");
    return nullptr;
  }
  Napi::ArrayBuffer ab = buffer.As<Napi::ArrayBuffer>();
  double off = offset.As<Napi::Number>().DoubleValue();
  size_t len = ab.ByteLength();
  if (ab.Data() == nullptr || len < 4) {
    twinmap::ThrowType(env, "futex: the buffer is empty or detached (was its mapping closed?)");
    return nullptr;
  }
  if (!(off >= 0) || off > static_cast<double>(len - 4) || static_cast<double>(static_cast<size_t>(off)) != off ||
      static_cast<size_t>(off) % 4 != 0) {
    twinmap::ThrowType(env, "futex: offset " + std::to_string(off) + " is not a 4-byte aligned word inside a buffer of " +
                                std::to_string(len) + " bytes");
    return nullptr;
  }
  return reinterpret_cast<uint32_t*>(static_cast<uint8_t*>(ab.Data()) + static_cast<size_t>(off));
}

Napi::Value FutexWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t* addr = WordAt(env, info[0], info[1]);
  if (addr == nullptr) return env.Undefined();
  if (!info[2].IsNumber() || !info[3].IsNumber()) return twinmap::ThrowType(env, "futexWait(buffer, offset, expected, timeoutMs)");
  uint32_t expected = info[2].As<Napi::Number>().Uint32Value();
  double timeoutMs = twinmap::ClampTimeoutMs(info[3].As<Napi::Number>().DoubleValue());
  // This blocks the JS thread: wait in slices, so a worker being terminated ends its wait.
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(); };
  for (;;) {
    double slice = kTerminationCheckMs;
    if (timeoutMs >= 0) {
      double left = timeoutMs - elapsed();
      if (left < slice) slice = left > 0 ? left : 0;
    }
    WaitResult r = Wait(addr, expected, slice);
    if (r == WaitResult::Fault) return twinmap::ThrowErrno(env, errno, "futex", "FUTEX_WAIT");
    if (r != WaitResult::Timeout) return Napi::String::New(env, ResultName(r));
    if (timeoutMs >= 0 && elapsed() >= timeoutMs) return Napi::String::New(env, ResultName(WaitResult::Timeout));
    if (twinmap::Terminating(env)) return env.Undefined();
  }
}

Napi::Value FutexWake(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t* addr = WordAt(env, info[0], info[1]);
  if (addr == nullptr) return env.Undefined();
  int count = info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : INT_MAX;
  if (count <= 0) count = INT_MAX;
  long n = SysFutex(addr, FUTEX_WAKE, static_cast<uint32_t>(count), nullptr);
  if (n < 0) return twinmap::ThrowErrno(env, errno, "futex", "FUTEX_WAKE");
  return Napi::Number::New(env, static_cast<double>(n));
}

// A futex wait on a thread of its own, reported to JS through a thread-safe function.
// One wait at a time per waiter; the thread lives as long as the waiter and sleeps on a
// condition variable between waits. cancel() wakes the futex (FUTEX_WAKE on the same word:
// other waiters on it see a spurious wake-up, which every waiter tolerates by design).
class FutexWaiter : public Napi::ObjectWrap<FutexWaiter> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "FutexWaiter",
                       {InstanceMethod<&FutexWaiter::WaitAsync>("wait"), InstanceMethod<&FutexWaiter::Cancel>("cancel"),
                        InstanceMethod<&FutexWaiter::Close>("close")});
  }

  explicit FutexWaiter(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FutexWaiter>(info) {
    Napi::Env env = info.Env();
    addr_ = WordAt(env, info[0], info[1]);
    if (addr_ == nullptr) return;
    // Keep the buffer, and the pages under it, alive while the thread may touch them: an
    // unmap() of the mapping then leaves them mapped until this waiter closes.
    buffer_ = Napi::Persistent(info[0].As<Napi::ArrayBuffer>());
    pin_ = twinmap::PinPages(addr_, 4);
    tsfn_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "twinmap.futex",
                                          0, 1);
    tsfn_.Unref(env);
    thread_ = std::thread([this] { Run(); });
  }

  ~FutexWaiter() override { Stop(); }

 private:
  struct Done {
    Napi::FunctionReference* callback;
    WaitResult result;
    int err;
    Napi::ThreadSafeFunction tsfn;
  };

  // wait(expected, timeoutMs, callback): callback(result) on the JS thread later.
  Napi::Value WaitAsync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return twinmap::ThrowErrno(env, EBADF, "futex", "the waiter is closed");
    if (!info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsFunction())
      return twinmap::ThrowType(env, "FutexWaiter.wait(expected, timeoutMs, callback)");
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_ || busy_) return twinmap::ThrowType(env, "FutexWaiter.wait: a wait is already in progress");
    expected_ = info[0].As<Napi::Number>().Uint32Value();
    timeoutMs_ = info[1].As<Napi::Number>().DoubleValue();
    spinMicros_ = info.Length() > 3 && info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
    callback_ = new Napi::FunctionReference(Napi::Persistent(info[2].As<Napi::Function>()));
    cancelled_ = false;
    pending_ = true;
    tsfn_.Ref(env);  // a pending wait keeps the process alive, like a timer
    cv_.notify_one();
    return env.Undefined();
  }

  // cancel(): the pending wait (if any) ends soon with "cancelled".
  Napi::Value Cancel(const Napi::CallbackInfo& info) {
    RequestCancel();
    return info.Env().Undefined();
  }

  // close(): cancels, stops the thread, releases the buffer. Idempotent.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Stop();
    if (!buffer_.IsEmpty()) buffer_.Reset();
    pin_.reset();
    return info.Env().Undefined();
  }

  void RequestCancel() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pending_ && !busy_) return;
    cancelled_ = true;
    cv_.notify_one();
    if (busy_ && addr_ != nullptr) SysFutex(addr_, FUTEX_WAKE, INT_MAX, nullptr);
  }

  void Stop() {
    if (closed_) return;
    closed_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      cancelled_ = true;
      cv_.notify_one();
      if (busy_ && addr_ != nullptr) SysFutex(addr_, FUTEX_WAKE, INT_MAX, nullptr);
    }
    if (thread_.joinable()) thread_.join();
    if (tsfn_) tsfn_.Release();
  }

  void Run() {
    for (;;) {
      Napi::FunctionReference* cb;
      uint32_t expected;
      double timeoutMs;
      double spinMicros;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return pending_ || stopping_; });
        if (!pending_) return;  // stopping with nothing pending
        pending_ = false;
        busy_ = true;
        cb = callback_;
        callback_ = nullptr;
        expected = expected_;
        timeoutMs = timeoutMs_;
        spinMicros = spinMicros_;
      }
      WaitResult r = WaitResult::Woken;
      int err = 0;
      if (!cancelled_ && spinMicros > 0) {
        auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(static_cast<int64_t>(spinMicros * 1000));
        while (!cancelled_ && __atomic_load_n(addr_, __ATOMIC_ACQUIRE) == expected && std::chrono::steady_clock::now() < until) {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause();
#endif
        }
        if (__atomic_load_n(addr_, __ATOMIC_ACQUIRE) != expected) r = WaitResult::Changed;
      }
      if (!cancelled_ && r != WaitResult::Changed) {
        r = Wait(addr_, expected, timeoutMs);
        if (r == WaitResult::Fault) err = errno;
      }
      bool cancelled;
      {
        std::lock_guard<std::mutex> lock(mu_);
        busy_ = false;
        cancelled = cancelled_;
      }
      auto* done = new Done{cb, cancelled ? WaitResult::Fault : r, cancelled ? -1 : err, tsfn_};
      napi_status st = tsfn_.BlockingCall(done, [](Napi::Env env, Napi::Function, Done* d) {
        if (env != nullptr) {
          // Unref before the callback: it may start the next wait, which Refs again.
          d->tsfn.Unref(env);
          Napi::String result = Napi::String::New(
              env, d->err == -1 ? "cancelled" : d->err != 0 ? "fault" : ResultName(d->result));
          if (d->callback != nullptr) d->callback->Value().Call({result});
        }
        delete d->callback;
        delete d;
      });
      if (st != napi_ok) {
        // The environment is going away: the callback can never run. Its reference is left
        // to the environment's teardown (deleting it off the JS thread is not allowed).
        delete done;
        return;
      }
      if (stopping_) return;
    }
  }

  uint32_t* addr_ = nullptr;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  std::shared_ptr<twinmap::Pages> pin_;
  Napi::ThreadSafeFunction tsfn_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;
  bool busy_ = false;
  bool stopping_ = false;
  std::atomic<bool> cancelled_{false};
  bool closed_ = false;
  uint32_t expected_ = 0;
  double timeoutMs_ = -1;
  double spinMicros_ = 0;
  Napi::FunctionReference* callback_ = nullptr;
};

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("futexWait", Napi::Function::New(env, FutexWait, "futexWait"));
  exports.Set("futexWake", Napi::Function::New(env, FutexWake, "futexWake"));
  exports.Set("FutexWaiter", FutexWaiter::Define(env));
}

}  // namespace

TWINMAP_MODULE(futex, Register);
