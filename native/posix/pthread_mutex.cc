// A robust, process-shared, recursive pthread mutex placed inside a mapping: exactly what .NET's
// PAL (.NET 6-10) and .NET 11 put in a named-mutex file. Thin: each call is the OS call and its
// error. The file protocol, owner fields and recursion counting live in ts/mutex/.
//
// Verified on .NET 10.0 x64 (glibc): the mutex .NET creates has __kind 0x91 =
// PSHARED(0x80) | ROBUST(0x10) | RECURSIVE(1), the same as the attributes below give.
#include "posix/pthread_mutex.h"

#include "common/timeouts.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace twinmap {

static std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

pthread_mutex_t* MutexAt(Napi::Env env, Napi::Value value, Napi::Value offset, const char* fn) {
  // Raw Node-API calls: this runs on every lock and unlock, so one info call, one number read.
  void* data = nullptr;
  size_t length = 0;
  double off = 0;
  if (napi_get_arraybuffer_info(env, value, &data, &length) != napi_ok ||
      napi_get_value_double(env, offset, &off) != napi_ok) {
    ThrowType(env, std::string(fn) + "(buffer, offset, ...) expects (ArrayBuffer, number, ...)");
    return nullptr;
  }
  // A detached buffer (unmapped mapping) reports length 0, so it fails here.
  if (data == nullptr) length = 0;
  if (!(off >= 0) || std::floor(off) != off || off + sizeof(pthread_mutex_t) > static_cast<double>(length) ||
      static_cast<size_t>(off) % alignof(pthread_mutex_t) != 0) {
    Napi::RangeError::New(env, std::string(fn) + ": a pthread_mutex_t (" + std::to_string(sizeof(pthread_mutex_t)) +
                                   " bytes, aligned to " + std::to_string(alignof(pthread_mutex_t)) +
                                   ") does not fit at offset " + Num(off) + " of a mapping of " +
                                   std::to_string(length) + " bytes")
        .ThrowAsJavaScriptException();
    return nullptr;
  }
  return reinterpret_cast<pthread_mutex_t*>(static_cast<char*>(data) + static_cast<size_t>(off));
}

struct timespec DeadlineIn(double ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  long long add_ns = static_cast<long long>(ms * 1e6);
  ts.tv_sec += static_cast<time_t>(add_ns / 1000000000LL);
  ts.tv_nsec += static_cast<long>(add_ns % 1000000000LL);
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec += 1;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

int LockWithTimeout(pthread_mutex_t* m, double timeout_ms) {
  timeout_ms = ClampTimeoutMs(timeout_ms);
  if (timeout_ms < 0) return pthread_mutex_lock(m);
  if (timeout_ms == 0) return pthread_mutex_trylock(m);
  struct timespec deadline = DeadlineIn(timeout_ms);
  return pthread_mutex_timedlock(m, &deadline);
}

}  // namespace twinmap

namespace {

using twinmap::MutexAt;

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pthread_mutex_t* m = MutexAt(env, info[0], info[1], "mutexInit");
  if (m == nullptr) return env.Undefined();
  pthread_mutexattr_t attr;
  int err = pthread_mutexattr_init(&attr);
  if (err != 0) return twinmap::ThrowErrno(env, err, "pthread_mutexattr_init");
  const char* step = "pthread_mutexattr_setpshared";
  err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  if (err == 0) {
    step = "pthread_mutexattr_setrobust";
    err = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  }
  if (err == 0) {
    step = "pthread_mutexattr_settype";
    err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  }
  if (err == 0) {
    step = "pthread_mutex_init";
    err = pthread_mutex_init(m, &attr);
  }
  pthread_mutexattr_destroy(&attr);
  if (err != 0) return twinmap::ThrowErrno(env, err, step);
  return env.Undefined();
}

// mutexLock(buffer, offset, timeoutMs): <0 waits forever, 0 tries once, >0 waits that long
// (absolute CLOCK_REALTIME deadline, like the PAL). Returns 0 acquired, 1 owner died (the caller
// now owns an inconsistent mutex: call mutexConsistent), 2 timeout; throws for other errors.
Napi::Value Lock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pthread_mutex_t* m = MutexAt(env, info[0], info[1], "mutexLock");
  if (m == nullptr) return env.Undefined();
  double timeout = 0;
  if (napi_get_value_double(env, info[2], &timeout) != napi_ok) return twinmap::ThrowType(env, "mutexLock: timeoutMs must be a number");
  int err = twinmap::LockWithTimeout(m, timeout);
  switch (err) {
    case 0:
      return Napi::Number::New(env, twinmap::kAcquired);
    case EOWNERDEAD:
      return Napi::Number::New(env, twinmap::kOwnerDead);
    case EBUSY:
    case ETIMEDOUT:
      return Napi::Number::New(env, twinmap::kTimeout);
    default:
      return twinmap::ThrowErrno(env, err, timeout < 0 ? "pthread_mutex_lock" : timeout == 0 ? "pthread_mutex_trylock" : "pthread_mutex_timedlock");
  }
}

Napi::Value Consistent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pthread_mutex_t* m = MutexAt(env, info[0], info[1], "mutexConsistent");
  if (m == nullptr) return env.Undefined();
  int err = pthread_mutex_consistent(m);
  if (err != 0) return twinmap::ThrowErrno(env, err, "pthread_mutex_consistent");
  return env.Undefined();
}

Napi::Value Unlock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pthread_mutex_t* m = MutexAt(env, info[0], info[1], "mutexUnlock");
  if (m == nullptr) return env.Undefined();
  int err = pthread_mutex_unlock(m);
  if (err != 0) return twinmap::ThrowErrno(env, err, "pthread_mutex_unlock");
  return env.Undefined();
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pthread_mutex_t* m = MutexAt(env, info[0], info[1], "mutexDestroy");
  if (m == nullptr) return env.Undefined();
  int err = pthread_mutex_destroy(m);
  if (err != 0) return twinmap::ThrowErrno(env, err, "pthread_mutex_destroy");
  return env.Undefined();
}

// mutexKind(buffer, offset): glibc's type/flags word of the mutex (__data.__kind), or -1 where
// the libc does not expose it. Lets the TS layer refuse a peer's garbage before locking it.
Napi::Value Kind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pthread_mutex_t* m = MutexAt(env, info[0], info[1], "mutexKind");
  if (m == nullptr) return env.Undefined();
#ifdef __GLIBC__
  return Napi::Number::New(env, m->__data.__kind);
#else
  return Napi::Number::New(env, -1);
#endif
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("mutexKind", Napi::Function::New(env, Kind, "mutexKind"));
  exports.Set("mutexSize", Napi::Number::New(env, sizeof(pthread_mutex_t)));
  exports.Set("mutexAlign", Napi::Number::New(env, alignof(pthread_mutex_t)));
  exports.Set("mutexInit", Napi::Function::New(env, Init, "mutexInit"));
  exports.Set("mutexLock", Napi::Function::New(env, Lock, "mutexLock"));
  exports.Set("mutexConsistent", Napi::Function::New(env, Consistent, "mutexConsistent"));
  exports.Set("mutexUnlock", Napi::Function::New(env, Unlock, "mutexUnlock"));
  exports.Set("mutexDestroy", Napi::Function::New(env, Destroy, "mutexDestroy"));
}

}  // namespace

TWINMAP_MODULE(pthread_mutex, Register);
