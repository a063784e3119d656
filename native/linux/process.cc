// Process and thread identity: what .NET writes into a named mutex's owner fields
// (getpid, gettid) and what decides its session directory (getsid).
#include <sys/types.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif
#include <cerrno>
#include <csignal>

#include "common/registry.h"

namespace {

Napi::Value GetPid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(getpid()));
}

Napi::Value GetTid(const Napi::CallbackInfo& info) {
#ifdef __linux__
  return Napi::Number::New(info.Env(), static_cast<double>(syscall(SYS_gettid)));
#else
  uint64_t tid = 0;
  pthread_threadid_np(nullptr, &tid);
  return Napi::Number::New(info.Env(), static_cast<double>(tid));
#endif
}

Napi::Value GetSid(const Napi::CallbackInfo& info) {
  pid_t sid = getsid(0);
  if (sid < 0) return twinmap::ThrowErrno(info.Env(), errno, "getsid");
  return Napi::Number::New(info.Env(), static_cast<double>(sid));
}

Napi::Value GetEuid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(geteuid()));
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("getpid", Napi::Function::New(env, GetPid, "getpid"));
  exports.Set("gettid", Napi::Function::New(env, GetTid, "gettid"));
  exports.Set("getsid", Napi::Function::New(env, GetSid, "getsid"));
  exports.Set("geteuid", Napi::Function::New(env, GetEuid, "geteuid"));
}

}  // namespace

TWINMAP_MODULE(process, Register);
