// The registry behind PinPages (common/mapped_pages.h): every live mapping by start address.
#include "common/mapped_pages.h"

#include <cstdint>
#include <map>
#include <mutex>

#include "common/registry.h"

namespace twinmap {
namespace {

struct Live {
  std::mutex mu;
  std::map<uintptr_t, std::weak_ptr<Pages>> by_addr;
};

Live& Registry() {
  static Live* live = new Live();  // never destroyed: threads may pin during process exit
  return *live;
}

void Finalize(napi_env, void*, void* hint) { delete static_cast<std::shared_ptr<void>*>(hint); }

}  // namespace

Pages::Pages(void* a, size_t n, UnmapFn u) : addr(a), length(n), unmap(u) {}

Pages::~Pages() {
  {
    Live& live = Registry();
    std::lock_guard<std::mutex> lock(live.mu);
    auto it = live.by_addr.find(reinterpret_cast<uintptr_t>(addr));
    if (it != live.by_addr.end() && it->second.expired()) live.by_addr.erase(it);
  }
  if (addr != nullptr) unmap(addr, length);
}

std::shared_ptr<Pages> PinPages(const void* p, size_t n) {
  auto at = reinterpret_cast<uintptr_t>(p);
  Live& live = Registry();
  std::lock_guard<std::mutex> lock(live.mu);
  auto it = live.by_addr.upper_bound(at);
  if (it == live.by_addr.begin()) return nullptr;
  --it;
  std::shared_ptr<Pages> pages = it->second.lock();
  if (!pages || at + n > it->first + pages->length) return nullptr;
  return pages;
}

bool MappedPages::Adopt(Napi::Env env, void* addr, size_t length, UnmapFn unmap) {
  auto pages = std::make_shared<Pages>(addr, length, unmap);
  {
    Live& live = Registry();
    std::lock_guard<std::mutex> lock(live.mu);
    live.by_addr[reinterpret_cast<uintptr_t>(addr)] = pages;
  }
  auto region = std::make_shared<Region>();
  region->pages = pages;
  pages.reset();
  // The finaliser's share. Raw Node-API: when the runtime refuses the buffer (over its size
  // limit: 4 GiB on Node 20) it runs the finaliser itself before failing, and node-addon-api's
  // wrapper would then free the hint a second time.
  auto* keep = new std::shared_ptr<void>(region);
  napi_value ab;
  napi_status st = napi_create_external_arraybuffer(env, addr, length, Finalize, keep, &ab);
  if (st != napi_ok) {
    region->pages.reset();  // unmap now, whoever still holds the Region
    napi_value pending;
    napi_get_and_clear_last_exception(env, &pending);
    Napi::RangeError e = Napi::RangeError::New(
        env, "cannot expose " + std::to_string(length) + " mapped bytes as one ArrayBuffer: more than this runtime allows");
    e.Set("code", Napi::String::New(env, "ERR_BUFFER_TOO_LARGE"));
    e.ThrowAsJavaScriptException();
    return false;
  }
  region_ = region;
  buffer_ = Napi::Persistent(Napi::ArrayBuffer(env, ab));
  buffer_.SuppressDestruct();
  return true;
}

}  // namespace twinmap
