// Win32 errors as JS errors, and the small helpers every Win32 concept file needs.
#include <cmath>
#include <cstdint>

#include "win32/win32.h"

namespace twinmap::win32 {

std::string Win32ErrorName(DWORD err) {
  switch (err) {
#define TWINMAP_W(x) \
  case x:            \
    return #x;
    TWINMAP_W(ERROR_FILE_NOT_FOUND) TWINMAP_W(ERROR_PATH_NOT_FOUND) TWINMAP_W(ERROR_ACCESS_DENIED)
    TWINMAP_W(ERROR_INVALID_HANDLE) TWINMAP_W(ERROR_NOT_ENOUGH_MEMORY) TWINMAP_W(ERROR_OUTOFMEMORY)
    TWINMAP_W(ERROR_FILE_EXISTS) TWINMAP_W(ERROR_ALREADY_EXISTS) TWINMAP_W(ERROR_INVALID_PARAMETER)
    TWINMAP_W(ERROR_SHARING_VIOLATION) TWINMAP_W(ERROR_LOCK_VIOLATION) TWINMAP_W(ERROR_DISK_FULL)
    TWINMAP_W(ERROR_INVALID_NAME) TWINMAP_W(ERROR_FILENAME_EXCED_RANGE) TWINMAP_W(ERROR_BAD_PATHNAME)
    TWINMAP_W(ERROR_NOT_OWNER) TWINMAP_W(ERROR_TOO_MANY_POSTS) TWINMAP_W(ERROR_COMMITMENT_LIMIT)
    TWINMAP_W(ERROR_FILE_INVALID) TWINMAP_W(ERROR_MAPPED_ALIGNMENT) TWINMAP_W(ERROR_USER_MAPPED_FILE)
    TWINMAP_W(ERROR_PRIVILEGE_NOT_HELD) TWINMAP_W(ERROR_INVALID_ACCESS) TWINMAP_W(ERROR_TIMEOUT)
    TWINMAP_W(ERROR_NOT_SUPPORTED) TWINMAP_W(ERROR_DIRECTORY) TWINMAP_W(ERROR_WRITE_PROTECT)
    TWINMAP_W(ERROR_HANDLE_DISK_FULL) TWINMAP_W(ERROR_INVALID_ADDRESS)
#undef TWINMAP_W
    default:
      return "WIN32_" + std::to_string(err);
  }
}

std::string Narrow(const std::wstring& w) {
  if (w.empty()) return {};
  int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0, nullptr, nullptr);
  std::string s(static_cast<size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), s.data(), n, nullptr, nullptr);
  return s;
}

static std::string SystemText(DWORD err) {
  wchar_t* buf = nullptr;
  DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                           nullptr, err, 0, reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
  std::wstring text = n > 0 && buf != nullptr ? std::wstring(buf, n) : L"";
  if (buf != nullptr) LocalFree(buf);
  while (!text.empty() && (text.back() == L'\n' || text.back() == L'\r' || text.back() == L' ' || text.back() == L'.')) {
    text.pop_back();
  }
  return text.empty() ? "unknown error" : Narrow(text);
}

Napi::Value ThrowWin32(Napi::Env env, DWORD err, const char* syscall, const std::string& detail) {
  std::string code = Win32ErrorName(err);
  std::string message = std::string(syscall) + " " + code + " (" + std::to_string(err) + "): " + SystemText(err);
  if (!detail.empty()) message += " (" + detail + ")";
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, static_cast<double>(err)));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

std::wstring Wide(const Napi::Value& v) {
  std::u16string s = v.As<Napi::String>().Utf16Value();
  return std::wstring(s.begin(), s.end());
}

Napi::Object Namespace(Napi::Env env, Napi::Object exports) {
  Napi::Value existing = exports.Get("win32");
  if (existing.IsObject()) return existing.As<Napi::Object>();
  Napi::Object ns = Napi::Object::New(env);
  exports.Set("win32", ns);
  return ns;
}

DWORD TimeoutMs(const Napi::Value& v) {
  if (!v.IsNumber()) return INFINITE;
  double ms = v.As<Napi::Number>().DoubleValue();
  if (!(ms >= 0) || std::isinf(ms) || ms >= static_cast<double>(INFINITE)) return INFINITE;
  return static_cast<DWORD>(std::ceil(ms));
}

}  // namespace twinmap::win32
