// A Win32 kernel object handle as a JS object (mapping section, file, mutex or event).
//
// Waits: wait() blocks the calling (JS) thread; waitAsync() runs the wait on this handle's
// own OS thread, always the same one, and resolves a promise. That matters for mutexes,
// which Win32 gives to the *thread* that waited: a mutex acquired by waitAsync() is owned by
// the wait thread until releaseMutexOnWaitThread(). cancelWaitAsync() ends a pending async
// wait with "canceled". close() cancels, joins the thread and closes the handle.
#pragma once
#include "win32/win32.h"

namespace twinmap::win32 {

class WaitThread;

class Handle : public Napi::ObjectWrap<Handle> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps a handle this process now owns (closed by close() or by garbage collection).
  static Napi::Object Wrap(Napi::Env env, HANDLE h);
  // The HANDLE inside a JS Handle, or nullptr (and a JS exception) if it is not one / closed.
  static HANDLE From(Napi::Env env, const Napi::Value& v, const char* what);

  explicit Handle(const Napi::CallbackInfo& info);
  ~Handle() override;

 private:
  Napi::Value Closed(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Wait(const Napi::CallbackInfo& info);
  Napi::Value WaitAsync(const Napi::CallbackInfo& info);
  Napi::Value CancelWaitAsync(const Napi::CallbackInfo& info);
  Napi::Value ReleaseMutex(const Napi::CallbackInfo& info);
  Napi::Value ReleaseMutexOnWaitThread(const Napi::CallbackInfo& info);
  Napi::Value WaitOnThread(const Napi::CallbackInfo& info);
  Napi::Value WaitThreadId(const Napi::CallbackInfo& info);
  Napi::Value EndWaitThread(const Napi::CallbackInfo& info);
  WaitThread* Thread(Napi::Env env);
  Napi::Value SetEvent(const Napi::CallbackInfo& info);
  Napi::Value ResetEvent(const Napi::CallbackInfo& info);
  Napi::Value FileSize(const Napi::CallbackInfo& info);
  void Shutdown();

  HANDLE handle_ = nullptr;
  WaitThread* thread_ = nullptr;
};

}  // namespace twinmap::win32
