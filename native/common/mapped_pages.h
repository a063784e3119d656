// Pages mapped by the OS (mmap, MapViewOfFile), exposed to JS as an ArrayBuffer without copying.
//
// Lifetime: the pages belong to a shared Region held both by the owning wrapper object and by
// the ArrayBuffer's finaliser, so no garbage-collection order can unmap memory that JS can
// still reach. Release() detaches the ArrayBuffer first (every view of it then has length 0,
// so JS reads nothing instead of crashing), then unmaps at once. One implementation for every
// platform; each passes its own unmap call.
#pragma once
#include <napi.h>

#include <cstddef>
#include <memory>

namespace twinmap {

using UnmapFn = void (*)(void* addr, size_t length);

class MappedPages {
 public:
  MappedPages() = default;
  MappedPages(const MappedPages&) = delete;
  MappedPages& operator=(const MappedPages&) = delete;
  ~MappedPages() {
    if (!buffer_.IsEmpty()) buffer_.Reset();
  }

  // Takes ownership of [addr, addr + length), to be unmapped with `unmap`.
  void Adopt(Napi::Env env, void* addr, size_t length, UnmapFn unmap) {
    region_ = std::make_shared<Region>();
    region_->addr = addr;
    region_->length = length;
    region_->unmap = unmap;
    auto* keep = new std::shared_ptr<Region>(region_);
    Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(
        env, addr, length, [](Napi::Env, void*, std::shared_ptr<Region>* hint) { delete hint; }, keep);
    buffer_ = Napi::Persistent(ab);
    buffer_.SuppressDestruct();
  }

  bool mapped() const { return region_ && region_->addr != nullptr; }
  void* addr() const { return mapped() ? region_->addr : nullptr; }
  size_t length() const { return region_ ? region_->length : 0; }

  // The ArrayBuffer over the pages; undefined once released.
  Napi::Value Buffer(Napi::Env env) const {
    if (!mapped() || buffer_.IsEmpty()) return env.Undefined();
    return buffer_.Value();
  }

  // Detaches the ArrayBuffer, then unmaps now. Idempotent.
  void Release() {
    if (!mapped()) return;
    if (!buffer_.IsEmpty()) {
      Napi::ArrayBuffer ab = buffer_.Value();
      if (!ab.IsDetached()) ab.Detach();
      buffer_.Reset();
    }
    region_->unmap(region_->addr, region_->length);
    region_->addr = nullptr;  // the finaliser's Region now has nothing to unmap
    region_.reset();
  }

 private:
  struct Region {
    void* addr = nullptr;
    size_t length = 0;
    UnmapFn unmap = nullptr;
    ~Region() {
      if (addr != nullptr) unmap(addr, length);
    }
  };

  std::shared_ptr<Region> region_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
};

}  // namespace twinmap
