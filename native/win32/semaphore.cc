// Named semaphores: CreateSemaphoreW / ReleaseSemaphore. They carry the wake-ups of
// twinmap's futex words on Windows (ts/futex-win32.ts), where WaitOnAddress does not cross
// processes. Waiting is Handle.wait / waitAsync.
#include "win32/handle.h"

namespace twinmap::win32 {
namespace {

// createSemaphore(name: string | null, initial: number, maximum: number) -> { handle, existed }
Napi::Value JsCreateSemaphore(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !(info[0].IsString() || info[0].IsNull()) || !info[1].IsNumber() || !info[2].IsNumber()) {
    return ThrowType(env, "createSemaphore(name, initial, maximum) expects (string | null, number, number)");
  }
  std::wstring name = info[0].IsString() ? Wide(info[0]) : L"";
  HANDLE h = CreateSemaphoreW(nullptr, info[1].As<Napi::Number>().Int32Value(), info[2].As<Napi::Number>().Int32Value(),
                              info[0].IsString() ? name.c_str() : nullptr);
  DWORD err = GetLastError();
  if (h == nullptr) {
    std::string detail = Narrow(name);
    if (err == ERROR_INVALID_HANDLE) detail += ": the name may belong to another kind of object";
    return ThrowWin32(env, err, "CreateSemaphoreW", detail);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", Handle::Wrap(env, h));
  result.Set("existed", Napi::Boolean::New(env, err == ERROR_ALREADY_EXISTS));
  return result;
}

// releaseSemaphore(handle, count) -> the count before the release. ERROR_TOO_MANY_POSTS past the maximum.
Napi::Value JsReleaseSemaphore(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  HANDLE h = Handle::From(env, info[0], "ReleaseSemaphore");
  if (h == nullptr) return env.Undefined();
  if (info.Length() < 2 || !info[1].IsNumber()) return ThrowType(env, "releaseSemaphore(handle, count) expects (Handle, number)");
  LONG previous = 0;
  if (!ReleaseSemaphore(h, info[1].As<Napi::Number>().Int32Value(), &previous)) {
    return ThrowWin32(env, GetLastError(), "ReleaseSemaphore");
  }
  return Napi::Number::New(env, previous);
}

void Register(Napi::Env env, Napi::Object exports) {
  Napi::Object ns = Namespace(env, exports);
  ns.Set("createSemaphore", Napi::Function::New(env, JsCreateSemaphore, "createSemaphore"));
  ns.Set("releaseSemaphore", Napi::Function::New(env, JsReleaseSemaphore, "releaseSemaphore"));
}

}  // namespace
}  // namespace twinmap::win32

TWINMAP_MODULE(semaphore, twinmap::win32::Register);
