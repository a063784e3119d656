// mmap of a file descriptor, exposed as an ArrayBuffer over the mapped pages (no copy).
//
// Lifetime: the pages are owned by a shared Region held both by the Mapping object and by
// the ArrayBuffer's finaliser, so neither garbage collection order can unmap memory that JS
// can still reach. unmap() detaches the ArrayBuffer first (every view of it then has length
// 0, so JS reads nothing instead of crashing), then munmaps at once.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "common/registry.h"

namespace {

struct Region {
  void* addr = nullptr;
  size_t length = 0;
  ~Region() {
    if (addr != nullptr) munmap(addr, length);
  }
};

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
    region_ = std::make_shared<Region>();
    region_->addr = addr;
    region_->length = static_cast<size_t>(length);

    auto* keep = new std::shared_ptr<Region>(region_);
    Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(
        env, addr, region_->length, [](Napi::Env, void*, std::shared_ptr<Region>* hint) { delete hint; }, keep);
    buffer_ = Napi::Persistent(ab);
    buffer_.SuppressDestruct();
  }

  ~Mapping() override {
    if (!buffer_.IsEmpty()) buffer_.Reset();
  }

 private:
  Napi::Value Buffer(const Napi::CallbackInfo& info) {
    if (!region_ || buffer_.IsEmpty()) return info.Env().Undefined();
    return buffer_.Value();
  }

  Napi::Value Length(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), region_ ? static_cast<double>(region_->length) : 0);
  }

  Napi::Value Mapped(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), region_ && region_->addr != nullptr);
  }

  // flush(): msync(MS_SYNC) so a file-backed mapping reaches the file now.
  Napi::Value Flush(const Napi::CallbackInfo& info) {
    if (!region_ || region_->addr == nullptr) return twinmap::ThrowErrno(info.Env(), EBADF, "msync", "mapping is unmapped");
    if (msync(region_->addr, region_->length, MS_SYNC) != 0) return twinmap::ThrowErrno(info.Env(), errno, "msync");
    return info.Env().Undefined();
  }

  // unmap(): idempotent.
  Napi::Value Unmap(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!region_ || region_->addr == nullptr) return env.Undefined();
    if (!buffer_.IsEmpty()) {
      Napi::ArrayBuffer ab = buffer_.Value();
      if (!ab.IsDetached()) ab.Detach();
      buffer_.Reset();
    }
    munmap(region_->addr, region_->length);
    region_->addr = nullptr;  // the finaliser's Region now has nothing to unmap
    region_.reset();
    return env.Undefined();
  }

  std::shared_ptr<Region> region_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
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
