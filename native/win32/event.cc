// Named events: CreateEventW / OpenEventW, auto-reset or manual-reset, what .NET's
// EventWaitHandle(initialState, mode, name) creates. set / reset / wait / waitAsync are
// Handle methods (setEvent, resetEvent, wait, waitAsync).
#include "win32/handle.h"

#ifndef EVENT_QUERY_STATE
#define EVENT_QUERY_STATE 0x0001  // winnt.h of the Windows SDK has it; mingw-w64's only in ddk/
#endif

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

// queryEvent(handle) -> { manualReset, signaled }: NtQueryEvent (EventBasicInformation), the
// only way to learn an opened event's kind and to look at its state without consuming it.
Napi::Value JsQueryEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  HANDLE h = Handle::From(env, info[0], "NtQueryEvent");
  if (h == nullptr) return env.Undefined();
  struct EventBasicInformation {
    LONG type;  // 0 = NotificationEvent (manual reset), 1 = SynchronizationEvent (auto reset)
    LONG state;
  } basic{};
  using NtQueryEventFn = LONG(WINAPI*)(HANDLE, int, void*, ULONG, ULONG*);
  static auto query = reinterpret_cast<NtQueryEventFn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryEvent")));
  if (query == nullptr) return ThrowWin32(env, ERROR_NOT_SUPPORTED, "NtQueryEvent");
  LONG status = query(h, 0, &basic, sizeof basic, nullptr);
  if (status < 0) {
    static auto toWin32 = reinterpret_cast<ULONG(WINAPI*)(LONG)>(
        reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlNtStatusToDosError")));
    return ThrowWin32(env, toWin32 != nullptr ? toWin32(status) : ERROR_INVALID_HANDLE, "NtQueryEvent");
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("manualReset", Napi::Boolean::New(env, basic.type == 0));
  result.Set("signaled", Napi::Boolean::New(env, basic.state != 0));
  return result;
}

// openEvent(name) -> Handle (SYNCHRONIZE | EVENT_MODIFY_STATE | EVENT_QUERY_STATE).
Napi::Value JsOpenEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowType(env, "openEvent(name) expects (string)");
  std::wstring name = Wide(info[0]);
  HANDLE h = OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE | EVENT_QUERY_STATE, FALSE, name.c_str());
  if (h == nullptr) return ThrowWin32(env, GetLastError(), "OpenEventW", Narrow(name));
  return Handle::Wrap(env, h);
}

void Register(Napi::Env env, Napi::Object exports) {
  Napi::Object ns = Namespace(env, exports);
  ns.Set("createEvent", Napi::Function::New(env, JsCreateEvent, "createEvent"));
  ns.Set("openEvent", Napi::Function::New(env, JsOpenEvent, "openEvent"));
  ns.Set("queryEvent", Napi::Function::New(env, JsQueryEvent, "queryEvent"));
}

}  // namespace
}  // namespace twinmap::win32

TWINMAP_MODULE(event, twinmap::win32::Register);
