// Pages mapped by the OS (mmap, MapViewOfFile), exposed to JS as an ArrayBuffer without copying.
//
// Lifetime: the pages (Pages) are owned through shared pointers: by the wrapper object, by the
// ArrayBuffer's finaliser (so no garbage-collection order can unmap memory that JS can still
// reach), and by any native thread that works on a word inside them (a futex waiter, a mutex
// holder: PinPages), so an unmap() from JS never pulls memory from under such a thread.
// Release() detaches the ArrayBuffer first (every view of it then has length 0, so JS reads
// nothing instead of crashing), then drops the wrapper's share: the pages go at once, or when
// the last pinning thread lets go. One implementation for every platform; each passes its own
// unmap call.
#pragma once
#include <napi.h>

#include <cstddef>
#include <memory>
#include <string>

namespace twinmap {

using UnmapFn = void (*)(void* addr, size_t length);

// A mapped range; unmapped when the last owner drops it.
struct Pages {
  void* addr = nullptr;
  size_t length = 0;
  UnmapFn unmap = nullptr;
  Pages(void* a, size_t n, UnmapFn u);
  Pages(const Pages&) = delete;
  Pages& operator=(const Pages&) = delete;
  ~Pages();
};

// The live Pages holding [p, p + n), or null if no mapping made here holds it (a plain
// ArrayBuffer, or a mapping already gone). Holding the result keeps the pages mapped.
std::shared_ptr<Pages> PinPages(const void* p, size_t n);

class MappedPages {
 public:
  MappedPages() = default;
  MappedPages(const MappedPages&) = delete;
  MappedPages& operator=(const MappedPages&) = delete;
  ~MappedPages() {
    if (!buffer_.IsEmpty()) buffer_.Reset();
  }

  // Takes ownership of [addr, addr + length), to be unmapped with `unmap`. False after throwing
  // (the pages are unmapped then): the runtime cannot hold that many bytes in one ArrayBuffer.
  bool Adopt(Napi::Env env, void* addr, size_t length, UnmapFn unmap);

  bool mapped() const { return region_ && region_->pages; }
  void* addr() const { return mapped() ? region_->pages->addr : nullptr; }
  size_t length() const { return mapped() ? region_->pages->length : 0; }

  // The ArrayBuffer over the pages; undefined once released.
  Napi::Value Buffer(Napi::Env env) const {
    if (!mapped() || buffer_.IsEmpty()) return env.Undefined();
    return buffer_.Value();
  }

  // Detaches the ArrayBuffer, then drops this share of the pages. Idempotent.
  void Release() {
    if (!mapped()) return;
    if (!buffer_.IsEmpty()) {
      Napi::ArrayBuffer ab = buffer_.Value();
      if (!ab.IsDetached()) ab.Detach();
      buffer_.Reset();
    }
    region_->pages.reset();  // the finaliser's Region now has nothing to unmap
    region_.reset();
  }

 private:
  // What the ArrayBuffer's finaliser and the wrapper share: emptied by Release().
  struct Region {
    std::shared_ptr<Pages> pages;
  };

  std::shared_ptr<Region> region_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
};

}  // namespace twinmap
