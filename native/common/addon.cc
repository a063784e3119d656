#include "common/registry.h"

#include <vector>

namespace twinmap {
namespace {
struct Entry {
  const char* name;
  Registrar fn;
};
std::vector<Entry>& Modules() {
  static std::vector<Entry> modules;  // function-local: safe from static init order
  return modules;
}
}  // namespace

int AddModule(const char* name, Registrar fn) {
  Modules().push_back({name, fn});
  return 0;
}

}  // namespace twinmap

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& m : twinmap::Modules()) {
    m.fn(env, exports);
    names.Set(i++, Napi::String::New(env, m.name));
  }
  exports.Set("modules", names);
#ifdef _WIN32
  exports.Set("platform", Napi::String::New(env, "win32"));
#else
  exports.Set("platform", Napi::String::New(env, "posix"));
#endif
  return exports;
}

NODE_API_MODULE(twinmap, Init)
