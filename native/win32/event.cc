// Named events: CreateEventW / OpenEventW, auto-reset or manual-reset, what .NET's
// EventWaitHandle(initialState, mode, name) creates. set / reset / wait / waitAsync are
// Handle methods (setEvent, resetEvent, wait, waitAsync).
#include "win32/handle.h"

namespace twinmap::win32 {
namespace {

// createEvent(name: string | null, manualReset: boolean, initialState: boolean) -> { handle, existed }
Napi::Value JsCreateEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !(info[0].IsString() || info[0].IsNull()) || !info[1].IsBoolean() || !info[2].IsBoolean()) {
    return ThrowType(env, "createEvent(name, manualReset, initialState) expects (string | null, boolean, boolean)");
  }
  std::wstring name = info[0].IsString() ? Wide(info[0]) : L"";
  HANDLE h = CreateEventW(nullptr, info[1].As<Napi::Boolean>().Value(), info[2].As<Napi::Boolean>().Value(),
                          info[0].IsString() ? name.c_str() : nullptr);
  DWORD err = GetLastError();
  if (h == nullptr) {
    std::string detail = Narrow(name);
    if (err == ERROR_INVALID_HANDLE) detail += ": the name may belong to another kind of object";
    return ThrowWin32(env, err, "CreateEventW", detail);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", Handle::Wrap(env, h));
  result.Set("existed", Napi::Boolean::New(env, err == ERROR_ALREADY_EXISTS));
  return result;
}

// openEvent(name) -> Handle (SYNCHRONIZE | EVENT_MODIFY_STATE).
Napi::Value JsOpenEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowType(env, "openEvent(name) expects (string)");
  std::wstring name = Wide(info[0]);
  HANDLE h = OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name.c_str());
  if (h == nullptr) return ThrowWin32(env, GetLastError(), "OpenEventW", Narrow(name));
  return Handle::Wrap(env, h);
}

void Register(Napi::Env env, Napi::Object exports) {
  Napi::Object ns = Namespace(env, exports);
  ns.Set("createEvent", Napi::Function::New(env, JsCreateEvent, "createEvent"));
  ns.Set("openEvent", Napi::Function::New(env, JsOpenEvent, "openEvent"));
}

}  // namespace
}  // namespace twinmap::win32

TWINMAP_MODULE(event, twinmap::win32::Register);
