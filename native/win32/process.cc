// Process and thread identity, and whether a process is alive (a channel's dead-peer check).
#include <cstdint>

#include "win32/win32.h"

namespace twinmap::win32 {
namespace {

Napi::Value GetPid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(GetCurrentProcessId()));
}

Napi::Value GetTid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(GetCurrentThreadId()));
}

// The Terminal Services session id: what separates Local\ names on Windows.
Napi::Value GetSid(const Napi::CallbackInfo& info) {
  DWORD session = 0;
  if (!ProcessIdToSessionId(GetCurrentProcessId(), &session)) {
    return ThrowWin32(info.Env(), GetLastError(), "ProcessIdToSessionId");
  }
  return Napi::Number::New(info.Env(), static_cast<double>(session));
}

// processStartTime(pid) -> ms since the Unix epoch, or null if no such process.
// With the pid it identifies a process even after the pid is reused.
Napi::Value ProcessStartTime(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return ThrowType(env, "processStartTime(pid) expects (number)");
  DWORD pid = info[0].As<Napi::Number>().Uint32Value();
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (h == nullptr) {
    DWORD err = GetLastError();
    if (err == ERROR_INVALID_PARAMETER) return env.Null();  // no such process
    return ThrowWin32(env, err, "OpenProcess", "pid " + std::to_string(pid));
  }
  FILETIME created, exited, kernel, user;
  BOOL ok = GetProcessTimes(h, &created, &exited, &kernel, &user);
  DWORD err = GetLastError();
  CloseHandle(h);
  if (!ok) return ThrowWin32(env, err, "GetProcessTimes", "pid " + std::to_string(pid));
  uint64_t t = (static_cast<uint64_t>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
  // FILETIME counts 100 ns from 1601-01-01.
  return Napi::Number::New(env, static_cast<double>(t / 10000) - 11644473600000.0);
}

// processAlive(pid) -> boolean: the process exists and has not exited. A process that has
// exited but whose handle someone still holds counts as gone.
Napi::Value ProcessAlive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return ThrowType(env, "processAlive(pid) expects (number)");
  DWORD pid = info[0].As<Napi::Number>().Uint32Value();
  HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (h == nullptr) {
    DWORD err = GetLastError();
    if (err == ERROR_INVALID_PARAMETER) return Napi::Boolean::New(env, false);
    if (err == ERROR_ACCESS_DENIED) return Napi::Boolean::New(env, true);  // exists, not ours to open
    return ThrowWin32(env, err, "OpenProcess", "pid " + std::to_string(pid));
  }
  DWORD r = WaitForSingleObject(h, 0);
  CloseHandle(h);
  return Napi::Boolean::New(env, r == WAIT_TIMEOUT);
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("getpid", Napi::Function::New(env, GetPid, "getpid"));
  exports.Set("gettid", Napi::Function::New(env, GetTid, "gettid"));
  exports.Set("getsid", Napi::Function::New(env, GetSid, "getsid"));
  Napi::Object ns = Namespace(env, exports);
  ns.Set("processStartTime", Napi::Function::New(env, ProcessStartTime, "processStartTime"));
  ns.Set("processAlive", Napi::Function::New(env, ProcessAlive, "processAlive"));
}

}  // namespace
}  // namespace twinmap::win32

TWINMAP_MODULE(process, twinmap::win32::Register);
