// Shared by pthread_mutex.cc and mutex_holder.cc: finding a pthread_mutex_t inside a mapped
// ArrayBuffer with a bounds check, and the lock calls with .NET's timeout rules.
#pragma once
#include <pthread.h>

#include <string>

#include "common/registry.h"

namespace twinmap {

// Lock outcome codes shared with TS (ts/native-types.ts MutexCode).
enum MutexCode : int { kAcquired = 0, kOwnerDead = 1, kTimeout = 2 };

// The pthread_mutex_t at byte `offset` of `value` (an ArrayBuffer), or nullptr after throwing a
// RangeError/TypeError naming the offset and length. A detached buffer has length 0, so a closed
// mapping fails here instead of touching unmapped memory.
pthread_mutex_t* MutexAt(Napi::Env env, Napi::Value value, Napi::Value offset, const char* fn);

// The lock call .NET's PAL makes for a timeout in ms: <0 pthread_mutex_lock, 0 trylock,
// >0 timedlock with an absolute CLOCK_REALTIME deadline. Returns 0, EOWNERDEAD, EBUSY/ETIMEDOUT or
// another errno.
int LockWithTimeout(pthread_mutex_t* m, double timeout_ms);

// An absolute CLOCK_REALTIME deadline `ms` from now.
struct timespec DeadlineIn(double ms);

}  // namespace twinmap
