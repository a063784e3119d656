// Helpers shared by the Win32 concept files: UTF-16 names, Win32 errors as JS errors, and
// the `win32` namespace object on the addon's exports that every concept file adds to.
#pragma once
// Also set by scripts/build-win32.mjs; here for a native Windows build through CMake.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <string>

#include "common/registry.h"

namespace twinmap::win32 {

// Throws a JS Error: message "<syscall> <CODE> (<number>): <system text> (<detail>)", with
// .code (e.g. "ERROR_FILE_NOT_FOUND"), .errno (the Win32 number) and .syscall.
// ts/errors.ts fromOsError maps the codes to the same typed errors as the POSIX errno names.
Napi::Value ThrowWin32(Napi::Env env, DWORD err, const char* syscall, const std::string& detail = "");

// The name of a Win32 error code ("ERROR_ACCESS_DENIED"), or "WIN32_<number>" if unknown.
std::string Win32ErrorName(DWORD err);

// A JS string as UTF-16 for the W APIs (names go to the kernel unchanged: Local\, Global\).
std::wstring Wide(const Napi::Value& v);
std::string Narrow(const std::wstring& w);

// exports.win32, created by whichever concept file registers first.
Napi::Object Namespace(Napi::Env env, Napi::Object exports);

// Milliseconds from JS (-1 or Infinity = wait forever) as a Win32 timeout.
DWORD TimeoutMs(const Napi::Value& v);

}  // namespace twinmap::win32
