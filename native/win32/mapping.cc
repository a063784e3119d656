// Named and file-backed memory mappings: CreateFileMappingW / OpenFileMappingW / CreateFileW
// return Handles; MapView maps a view of a section as an ArrayBuffer over the pages (no copy).
// Lifetime and unmap() safety: common/mapped_pages.h (the same code as on POSIX).
#include "common/mapped_pages.h"
#include "win32/handle.h"

namespace twinmap::win32 {
namespace {

class MapView : public Napi::ObjectWrap<MapView> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MapView",
                       {InstanceAccessor<&MapView::Buffer>("buffer"), InstanceAccessor<&MapView::Length>("length"),
                        InstanceAccessor<&MapView::Mapped>("mapped"), InstanceMethod<&MapView::Flush>("flush"),
                        InstanceMethod<&MapView::Unmap>("unmap")});
  }

  // new MapView(section: Handle, writable, offset = 0, length = 0 (to the end of the section))
  explicit MapView(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MapView>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[1].IsBoolean()) {
      ThrowType(env, "MapView(section, writable, offset?, length?) expects (Handle, boolean, number?, number?)");
      return;
    }
    HANDLE section = Handle::From(env, info[0], "MapViewOfFile");
    if (section == nullptr) return;
    bool writable = info[1].As<Napi::Boolean>().Value();
    double offset = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0;
    double length = info.Length() > 3 && info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
    if (!(offset >= 0) || !(length >= 0) || offset > 9007199254740991.0 || length > 9007199254740991.0) {
      ThrowType(env, "MapView: offset and length must be >= 0");
      return;
    }
    uint64_t off = static_cast<uint64_t>(offset);
    void* addr = MapViewOfFile(section, writable ? FILE_MAP_WRITE : FILE_MAP_READ, static_cast<DWORD>(off >> 32),
                               static_cast<DWORD>(off & 0xffffffffu), static_cast<SIZE_T>(length));
    if (addr == nullptr) {
      ThrowWin32(env, GetLastError(), "MapViewOfFile");
      return;
    }
    size_t size = static_cast<size_t>(length);
    if (size == 0) {
      // The whole section: its size is only known as the view's region (whole pages).
      MEMORY_BASIC_INFORMATION mbi;
      if (VirtualQuery(addr, &mbi, sizeof mbi) == 0) {
        DWORD err = GetLastError();
        UnmapViewOfFile(addr);
        ThrowWin32(env, err, "VirtualQuery");
        return;
      }
      size = mbi.RegionSize;
    }
    pages_.Adopt(env, addr, size, [](void* a, size_t) { UnmapViewOfFile(a); });
  }

 private:
  Napi::Value Buffer(const Napi::CallbackInfo& info) { return pages_.Buffer(info.Env()); }
  Napi::Value Length(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(pages_.length()));
  }
  Napi::Value Mapped(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), pages_.mapped()); }

  // flush(): FlushViewOfFile, so a file-backed view reaches the file now.
  Napi::Value Flush(const Napi::CallbackInfo& info) {
    if (!pages_.mapped()) {
      return ThrowWin32(info.Env(), ERROR_INVALID_HANDLE, "FlushViewOfFile", "the view is unmapped");
    }
    if (!FlushViewOfFile(pages_.addr(), pages_.length())) return ThrowWin32(info.Env(), GetLastError(), "FlushViewOfFile");
    return info.Env().Undefined();
  }

  // unmap(): idempotent.
  Napi::Value Unmap(const Napi::CallbackInfo& info) {
    pages_.Release();
    return info.Env().Undefined();
  }

  MappedPages pages_;
};

const wchar_t* OptionalName(const Napi::Value& v, std::wstring& storage) {
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  storage = Wide(v);
  return storage.c_str();
}

// createFileMapping(file: Handle | null, name: string | null, size: number, writable: boolean)
//   -> { handle, existed }. file null = backed by the page file (what .NET's
//   MemoryMappedFile.CreateOrOpen(name, size) does). existed: the name was taken already and
//   the existing section was opened (ERROR_ALREADY_EXISTS; its size is not changed).
Napi::Value JsCreateFileMapping(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !(info[1].IsString() || info[1].IsNull()) || !info[2].IsNumber() || !info[3].IsBoolean()) {
    return ThrowType(env, "createFileMapping(file, name, size, writable) expects (Handle|null, string|null, number, boolean)");
  }
  HANDLE file = INVALID_HANDLE_VALUE;
  if (!info[0].IsNull()) {
    file = Handle::From(env, info[0], "CreateFileMappingW");
    if (file == nullptr) return env.Undefined();
  }
  std::wstring storage;
  const wchar_t* name = OptionalName(info[1], storage);
  double size = info[2].As<Napi::Number>().DoubleValue();
  if (!(size >= 0) || size > 9007199254740991.0) return ThrowType(env, "createFileMapping: size must be >= 0");
  uint64_t n = static_cast<uint64_t>(size);
  bool writable = info[3].As<Napi::Boolean>().Value();
  HANDLE h = CreateFileMappingW(file, nullptr, writable ? PAGE_READWRITE : PAGE_READONLY, static_cast<DWORD>(n >> 32),
                                static_cast<DWORD>(n & 0xffffffffu), name);
  DWORD err = GetLastError();
  if (h == nullptr) {
    std::string detail = name != nullptr ? Narrow(name) : "";
    if (err == ERROR_INVALID_HANDLE && name != nullptr) detail += ": the name may belong to another kind of object";
    return ThrowWin32(env, err, "CreateFileMappingW", detail);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", Handle::Wrap(env, h));
  result.Set("existed", Napi::Boolean::New(env, err == ERROR_ALREADY_EXISTS));
  return result;
}

// openFileMapping(name, writable) -> Handle
Napi::Value JsOpenFileMapping(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBoolean()) {
    return ThrowType(env, "openFileMapping(name, writable) expects (string, boolean)");
  }
  std::wstring name = Wide(info[0]);
  bool writable = info[1].As<Napi::Boolean>().Value();
  HANDLE h = OpenFileMappingW(writable ? FILE_MAP_WRITE | FILE_MAP_READ : FILE_MAP_READ, FALSE, name.c_str());
  if (h == nullptr) return ThrowWin32(env, GetLastError(), "OpenFileMappingW", Narrow(name));
  return Handle::Wrap(env, h);
}

// createFile(path, writable, disposition) -> Handle. disposition: "createNew" | "openExisting"
// | "openAlways" | "createAlways" (the CreateFileW dispositions). Shared for read, write and
// delete, as .NET's MemoryMappedFile.CreateFromFile opens files.
Napi::Value JsCreateFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsBoolean() || !info[2].IsString()) {
    return ThrowType(env, "createFile(path, writable, disposition) expects (string, boolean, string)");
  }
  std::wstring path = Wide(info[0]);
  bool writable = info[1].As<Napi::Boolean>().Value();
  std::string d = info[2].As<Napi::String>().Utf8Value();
  DWORD disposition = d == "createNew"      ? CREATE_NEW
                      : d == "openExisting" ? OPEN_EXISTING
                      : d == "openAlways"   ? OPEN_ALWAYS
                      : d == "createAlways" ? CREATE_ALWAYS
                                            : 0;
  if (disposition == 0) return ThrowType(env, "createFile: unknown disposition " + d);
  HANDLE h = CreateFileW(path.c_str(), GENERIC_READ | (writable ? GENERIC_WRITE : 0),
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, disposition,
                         FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return ThrowWin32(env, GetLastError(), "CreateFileW", Narrow(path));
  return Handle::Wrap(env, h);
}

Napi::Value PageSize(const Napi::CallbackInfo& info) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return Napi::Number::New(info.Env(), static_cast<double>(si.dwPageSize));
}

// The granularity a view's offset must be a multiple of (64 KiB on Windows).
Napi::Value AllocationGranularity(const Napi::CallbackInfo& info) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return Napi::Number::New(info.Env(), static_cast<double>(si.dwAllocationGranularity));
}

void Register(Napi::Env env, Napi::Object exports) {
  Napi::Object ns = Namespace(env, exports);
  ns.Set("MapView", MapView::Define(env));
  ns.Set("createFileMapping", Napi::Function::New(env, JsCreateFileMapping, "createFileMapping"));
  ns.Set("openFileMapping", Napi::Function::New(env, JsOpenFileMapping, "openFileMapping"));
  ns.Set("createFile", Napi::Function::New(env, JsCreateFile, "createFile"));
  ns.Set("allocationGranularity", Napi::Function::New(env, AllocationGranularity, "allocationGranularity"));
  exports.Set("pageSize", Napi::Function::New(env, PageSize, "pageSize"));
}

}  // namespace
}  // namespace twinmap::win32

TWINMAP_MODULE(mapping, twinmap::win32::Register);
