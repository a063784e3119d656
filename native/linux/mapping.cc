// mmap of a file descriptor, exposed as an ArrayBuffer over the mapped pages (no copy).
// Lifetime and unmap() safety: common/mapped_pages.h.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include "common/mapped_pages.h"
#include "common/registry.h"

namespace {

class Mapping : public Napi::ObjectWrap<Mapping> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Mapping",
                       {InstanceAccessor<&Mapping::Buffer>("buffer"),
                        InstanceAccessor<&Mapping::Length>("length"),
                        InstanceAccessor<&Mapping::Mapped>("mapped"),
                        InstanceMethod<&Mapping::Flush>("flush"),
                        InstanceMethod<&Mapping::Unmap>("unmap")});
  }

  // new Mapping(fd, length, writable, offset = 0)
  explicit Mapping(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Mapping>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsBoolean()) {
      twinmap::ThrowType(env, "Mapping(fd, length, writable, offset?) expects (number, number, boolean, number?)");
      return;
    }
    int fd = info[0].As<Napi::Number>().Int32Value();
    double length = info[1].As<Napi::Number>().DoubleValue();
    bool writable = info[2].As<Napi::Boolean>().Value();
    double offset = info.Length() > 3 && info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
    if (!(length > 0) || length > 9007199254740991.0 || !(offset >= 0)) {
      twinmap::ThrowType(env, "Mapping: length must be > 0 and offset >= 0");
      return;
    }
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    void* addr = mmap(nullptr, static_cast<size_t>(length), prot, MAP_SHARED, fd, static_cast<off_t>(offset));
    if (addr == MAP_FAILED) {
      twinmap::ThrowErrno(env, errno, "mmap");
      return;
    }
    pages_.Adopt(env, addr, static_cast<size_t>(length), [](void* a, size_t n) { munmap(a, n); });
  }

 private:
  Napi::Value Buffer(const Napi::CallbackInfo& info) { return pages_.Buffer(info.Env()); }

  Napi::Value Length(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(pages_.length()));
  }

  Napi::Value Mapped(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), pages_.mapped()); }

  // flush(): msync(MS_SYNC) so a file-backed mapping reaches the file now.
  Napi::Value Flush(const Napi::CallbackInfo& info) {
    if (!pages_.mapped()) return twinmap::ThrowErrno(info.Env(), EBADF, "msync", "mapping is unmapped");
    if (msync(pages_.addr(), pages_.length(), MS_SYNC) != 0) return twinmap::ThrowErrno(info.Env(), errno, "msync");
    return info.Env().Undefined();
  }

  // unmap(): idempotent.
  Napi::Value Unmap(const Napi::CallbackInfo& info) {
    pages_.Release();
    return info.Env().Undefined();
  }

  twinmap::MappedPages pages_;
};

Napi::Value PageSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(sysconf(_SC_PAGESIZE)));
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("Mapping", Mapping::Define(env));
  exports.Set("pageSize", Napi::Function::New(env, PageSize, "pageSize"));
}

}  // namespace

TWINMAP_MODULE(mapping, Register);
