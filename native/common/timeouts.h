// Timeouts from JS, in milliseconds: < 0 (or NaN) means no limit, and so does anything beyond
// kForeverMs (about 31 years): a deadline that far away would overflow the clocks' integer
// arithmetic (1e13 ms turned into a deadline in the past, or EINVAL).
#pragma once

namespace twinmap {

constexpr double kForeverMs = 1e12;

// The timeout to use: -1 for "no limit", else the value as given.
inline double ClampTimeoutMs(double ms) { return ms >= 0 && ms <= kForeverMs ? ms : -1; }

}  // namespace twinmap
