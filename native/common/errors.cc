#include <cerrno>
#include <cstring>

#include "common/registry.h"

namespace twinmap {

std::string ErrnoName(int err) {
  switch (err) {
#define TWINMAP_E(x) \
  case x:            \
    return #x;
    TWINMAP_E(EPERM) TWINMAP_E(ENOENT) TWINMAP_E(EINTR) TWINMAP_E(EIO) TWINMAP_E(EBADF)
    TWINMAP_E(EAGAIN) TWINMAP_E(ENOMEM) TWINMAP_E(EACCES) TWINMAP_E(EFAULT) TWINMAP_E(EBUSY)
    TWINMAP_E(EEXIST) TWINMAP_E(ENOTDIR) TWINMAP_E(EISDIR) TWINMAP_E(EINVAL) TWINMAP_E(EMFILE)
    TWINMAP_E(ENFILE) TWINMAP_E(ENOSPC) TWINMAP_E(EROFS) TWINMAP_E(ENAMETOOLONG)
    TWINMAP_E(EDEADLK) TWINMAP_E(ENOSYS) TWINMAP_E(ETIMEDOUT) TWINMAP_E(EOVERFLOW)
    TWINMAP_E(EOPNOTSUPP) TWINMAP_E(ESRCH) TWINMAP_E(ENODEV) TWINMAP_E(ENXIO)
    TWINMAP_E(ELOOP) TWINMAP_E(ENOTEMPTY) TWINMAP_E(EXDEV) TWINMAP_E(EFBIG) TWINMAP_E(EMLINK)
    TWINMAP_E(EPIPE) TWINMAP_E(ESPIPE) TWINMAP_E(ETXTBSY) TWINMAP_E(ENOTTY) TWINMAP_E(E2BIG)
    TWINMAP_E(ENOEXEC) TWINMAP_E(ECHILD) TWINMAP_E(ERANGE) TWINMAP_E(EDOM)
#ifdef EOWNERDEAD
    TWINMAP_E(EOWNERDEAD) TWINMAP_E(ENOTRECOVERABLE)
#endif
#undef TWINMAP_E
    default:
      return "E" + std::to_string(err);
  }
}

Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& detail) {
  std::string code = ErrnoName(err);
  std::string message = std::string(syscall) + " " + code + ": " + std::strerror(err);
  if (!detail.empty()) message += " (" + detail + ")";
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace twinmap
