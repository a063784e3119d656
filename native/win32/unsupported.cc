// The Windows code path is not implemented yet (issue: Windows). Every call throws a clear
// error instead of pretending; the TS layer reports the same text.
#include "common/registry.h"

namespace {

Napi::Value NotYet(const Napi::CallbackInfo& info) {
  Napi::Error e = Napi::Error::New(info.Env(), "twinmap: not yet supported on Windows");
  e.Set("code", Napi::String::New(info.Env(), "ENOTSUP_WINDOWS"));
  e.ThrowAsJavaScriptException();
  return info.Env().Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  for (const char* name : {"getpid", "gettid", "getsid"}) {
    exports.Set(name, Napi::Function::New(env, NotYet, name));
  }
}

}  // namespace

TWINMAP_MODULE(unsupported, Register);
