// Named mutexes: CreateMutexW / OpenMutexW. Locking and unlocking are Handle methods
// (wait / waitAsync, releaseMutex / releaseMutexOnWaitThread): a Win32 mutex belongs to the
// thread that acquired it, recursively, and is reported abandoned (WAIT_ABANDONED) to the
// next waiter when its owner thread or process ends without releasing it.
#include "win32/handle.h"

namespace twinmap::win32 {
namespace {

// createMutex(name: string | null) -> { handle, existed }. Not initially owned, like .NET's
// new Mutex(false, name).
Napi::Value JsCreateMutex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !(info[0].IsString() || info[0].IsNull())) {
    return ThrowType(env, "createMutex(name) expects (string | null)");
  }
  std::wstring name = info[0].IsString() ? Wide(info[0]) : L"";
  HANDLE h = CreateMutexW(nullptr, FALSE, info[0].IsString() ? name.c_str() : nullptr);
  DWORD err = GetLastError();
  if (h == nullptr) {
    std::string detail = Narrow(name);
    if (err == ERROR_INVALID_HANDLE) detail += ": the name may belong to another kind of object";
    return ThrowWin32(env, err, "CreateMutexW", detail);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", Handle::Wrap(env, h));
  result.Set("existed", Napi::Boolean::New(env, err == ERROR_ALREADY_EXISTS));
  return result;
}

// openMutex(name) -> Handle (SYNCHRONIZE | MUTEX_MODIFY_STATE, what .NET's Mutex.OpenExisting asks).
Napi::Value JsOpenMutex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowType(env, "openMutex(name) expects (string)");
  std::wstring name = Wide(info[0]);
  HANDLE h = OpenMutexW(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, name.c_str());
  if (h == nullptr) return ThrowWin32(env, GetLastError(), "OpenMutexW", Narrow(name));
  return Handle::Wrap(env, h);
}

void Register(Napi::Env env, Napi::Object exports) {
  Napi::Object ns = Namespace(env, exports);
  ns.Set("createMutex", Napi::Function::New(env, JsCreateMutex, "createMutex"));
  ns.Set("openMutex", Napi::Function::New(env, JsOpenMutex, "openMutex"));
}

}  // namespace
}  // namespace twinmap::win32

TWINMAP_MODULE(mutex, twinmap::win32::Register);
