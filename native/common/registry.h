// How native modules join the addon: each .cc file registers a function that adds its
// exports, so one file holds one OS concept and nothing else needs editing.
#pragma once
#include <napi.h>

#include <string>

namespace twinmap {

using Registrar = void (*)(Napi::Env env, Napi::Object exports);

// Called from static initialisers; returns a dummy value so it can initialise a static.
int AddModule(const char* name, Registrar fn);

// Throws a JS Error shaped like Node's fs errors: message "<syscall> <CODE>: <detail>",
// with .code (e.g. "ENOENT"), .errno (number) and .syscall. Returns env.Undefined()
// so callers can `return ThrowErrno(...)`.
Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& detail = "");

// Throws a TypeError for bad arguments from JS (a bug in the TS layer, not user input).
Napi::Value ThrowType(Napi::Env env, const std::string& message);

// The name of an errno value ("ENOENT"), or "E<number>" if unknown.
std::string ErrnoName(int err);

}  // namespace twinmap

#define TWINMAP_MODULE(name, fn) \
  static const int twinmap_module_##name = ::twinmap::AddModule(#name, fn)
