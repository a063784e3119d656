// File descriptors that must not outlive their JS environment. A worker thread that is
// terminated does not close the fds it opened (they belong to the process), so a named-mutex
// file would keep its shared flock, and look in use, until the whole process exits. Registered fds
// are closed when the environment (main thread or worker) is torn down.
#include <unistd.h>

#include <set>

#include "common/registry.h"

namespace {

struct Guarded {
  std::set<int> fds;
};

void CloseAll(void* arg) {
  auto* g = static_cast<Guarded*>(arg);
  for (int fd : g->fds) close(fd);
  g->fds.clear();
  delete g;
}

Guarded* From(const Napi::CallbackInfo& info) { return static_cast<Guarded*>(info.Data()); }

// closeAtExit(fd): close fd when this environment is torn down (unless keepAtExit(fd) first).
Napi::Value CloseAtExit(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) return twinmap::ThrowType(info.Env(), "closeAtExit(fd) expects a number");
  From(info)->fds.insert(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// keepAtExit(fd): forget fd (call it before closing the fd yourself).
Napi::Value KeepAtExit(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) return twinmap::ThrowType(info.Env(), "keepAtExit(fd) expects a number");
  From(info)->fds.erase(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  auto* g = new Guarded();  // one per environment; freed by its cleanup hook
  napi_add_env_cleanup_hook(env, CloseAll, g);
  exports.Set("closeAtExit", Napi::Function::New(env, CloseAtExit, "closeAtExit", g));
  exports.Set("keepAtExit", Napi::Function::New(env, KeepAtExit, "keepAtExit", g));
}

}  // namespace

TWINMAP_MODULE(fd_guard, Register);
