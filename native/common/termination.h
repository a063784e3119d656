// Whether this JS environment is being torn down (worker.terminate(), process exit). A native
// call that blocks the JS thread checks this between wait slices, so a terminated worker ends
// instead of sleeping on until its wait is satisfied.
#pragma once
#include <napi.h>

namespace twinmap {

// Runs a trivial script: V8 refuses to run JS once termination was requested.
inline bool Terminating(napi_env env) {
  napi_value source;
  napi_value result;
  if (napi_create_string_utf8(env, "0", 1, &source) != napi_ok) return true;
  if (napi_run_script(env, source, &result) == napi_ok) return false;
  napi_value pending;
  napi_get_and_clear_last_exception(env, &pending);
  return true;
}

}  // namespace twinmap
