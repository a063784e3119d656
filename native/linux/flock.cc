// flock(2): the BSD whole-file locks .NET uses for its named-mutex files (the creation/deletion
// lock on the shm directory and the shared "still in use" lock on each file). Only flock, never
// fcntl locks: the two kinds do not see each other.
#include <sys/file.h>

#include <cerrno>

#include "common/registry.h"

namespace {

// flock(fd, op) -> true when the lock was taken; false when LOCK_NB was given and another holder
// prevents it (EWOULDBLOCK). Any other failure throws with the errno name. EINTR is retried.
Napi::Value Flock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    return twinmap::ThrowType(env, "flock(fd, op) expects (number, number)");
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  int op = info[1].As<Napi::Number>().Int32Value();
  int rc;
  do {
    rc = flock(fd, op);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return Napi::Boolean::New(env, true);
  if ((op & LOCK_NB) != 0 && errno == EWOULDBLOCK) return Napi::Boolean::New(env, false);
  return twinmap::ThrowErrno(env, errno, "flock");
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("flock", Napi::Function::New(env, Flock, "flock"));
  Napi::Object ops = Napi::Object::New(env);
  ops.Set("LOCK_SH", LOCK_SH);
  ops.Set("LOCK_EX", LOCK_EX);
  ops.Set("LOCK_UN", LOCK_UN);
  ops.Set("LOCK_NB", LOCK_NB);
  exports.Set("flockOps", ops);
}

}  // namespace

TWINMAP_MODULE(flock, Register);
