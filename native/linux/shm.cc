// POSIX shared-memory objects by name: shm_open and shm_unlink, nothing more.
// Plus posix_fallocate, which Node's fs lacks. Sizing, mode and closing use Node's fs on the returned fd (ftruncate, fchmod, close).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "common/registry.h"

namespace {

// shmOpen(name, flags, mode) -> fd. `name` is the full object name ("/x"); flags are the
// platform's O_* bits (Node's fs.constants hold the same values).
Napi::Value ShmOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber()) {
    return twinmap::ThrowType(env, "shmOpen(name, flags, mode) expects (string, number, number)");
  }
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int flags = info[1].As<Napi::Number>().Int32Value();
  auto mode = static_cast<mode_t>(info[2].As<Napi::Number>().Uint32Value());
  int fd;
  do {
    fd = shm_open(name.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return twinmap::ThrowErrno(env, errno, "shm_open", name);
  return Napi::Number::New(env, fd);
}

// shmUnlink(name): removes the name; mappings already made stay valid.
Napi::Value ShmUnlink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return twinmap::ThrowType(env, "shmUnlink(name) expects a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  if (shm_unlink(name.c_str()) != 0) return twinmap::ThrowErrno(env, errno, "shm_unlink", name);
  return env.Undefined();
}

// allocate(fd, length): reserves the pages of a new object (posix_fallocate), so running out
// of memory or disk is an ENOSPC error now instead of a SIGBUS on first write. Linux only;
// elsewhere it throws ENOSYS and the caller sizes with ftruncate alone.
Napi::Value Allocate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    return twinmap::ThrowType(env, "allocate(fd, length) expects (number, number)");
  }
#ifdef __linux__
  int fd = info[0].As<Napi::Number>().Int32Value();
  auto length = static_cast<off_t>(info[1].As<Napi::Number>().DoubleValue());
  int err;
  do {
    err = posix_fallocate(fd, 0, length);
  } while (err == EINTR);
  if (err != 0) return twinmap::ThrowErrno(env, err, "posix_fallocate");
  return env.Undefined();
#else
  return twinmap::ThrowErrno(env, ENOSYS, "posix_fallocate");
#endif
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("shmOpen", Napi::Function::New(env, ShmOpen, "shmOpen"));
  exports.Set("shmUnlink", Napi::Function::New(env, ShmUnlink, "shmUnlink"));
  exports.Set("allocate", Napi::Function::New(env, Allocate, "allocate"));
}

}  // namespace

TWINMAP_MODULE(shm, Register);
