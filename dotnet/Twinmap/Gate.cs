// The in-process lock type: System.Threading.Lock where the BCL has it (.NET 9+), a plain object
// monitor on net8.0. `lock (_gate)` means the same on both.
#if NET9_0_OR_GREATER
global using Gate = System.Threading.Lock;
#else
global using Gate = System.Object;
#endif
