// W3C `tracestate` validation and combination (w3c/trace-context, "Tracestate Header"), private to
// lib/trace. Exposed in a header so that its tests can reach it without an HTTP carrier.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn::trace::w3c_internal {

inline constexpr std::size_t kMaxTracestateMembers = 32;
inline constexpr std::size_t kMaxTracestateKeyLength = 256;
inline constexpr std::size_t kMaxTracestateValueLength = 256;

// `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`, keychar = lcalpha / DIGIT / _ - * / @
// (Trace Context Level 2; the test suite follows it since w3c/trace-context#584).
bool IsValidTracestateKey(std::string_view key);

// `value = 0*255(chr) nblk-chr`: 1..256 chars of 0x20-0x7E except `,` and `=`, not ending in space.
bool IsValidTracestateValue(std::string_view value);

// Combines the `count` tracestate header values (in order, RFC 9110 field-order rules) into one
// list. OWS around members and empty members are dropped; members are joined with `,`.
// Returns false and leaves `out` empty when any member is invalid, a key repeats, or there are more
// than 32 members: the test suite expects the whole tracestate to be discarded then. An empty or
// all-empty input is valid and yields an empty `out`. Allocates at most once (the result).
bool CombineTracestate(const std::string_view* values, std::size_t count, std::string& out);

}  // namespace cairn::trace::w3c_internal
