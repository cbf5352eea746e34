// Parsers for configuration value text, shared by every source (flags, environment, YAML file).
//
// Each returns kInvalidArgument with a message that says what was expected ("expected true or
// false"); the loader prefixes it with the key and the value. The syntaxes are Spring Boot's,
// because Zipkin users already write them:
// - booleans: true/false, yes/no, on/off, 1/0 (case-insensitive);
// - durations: "<n><unit>" with unit ns, us, ms, s, m, h or d ("11s", "500ms", "7d"), a bare
//   integer meaning `bare_unit`, or ISO-8601 "PT11S"/"P7D" (days, hours, minutes, seconds);
// - byte sizes: "<n>" bytes or "<n><unit>" with B, KB, MB, GB (powers of 1024, as Spring's
//   DataSize; KiB/MiB/GiB accepted too).
// Surrounding whitespace is ignored everywhere. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/status.h"

namespace cairn::config {

std::string_view TrimWhitespace(std::string_view text);

Result<bool> ParseBool(std::string_view text);

// A decimal integer in [min, max].
Result<std::int64_t> ParseInteger(std::string_view text, std::int64_t min, std::int64_t max);

// A decimal number in [min, max] ("0.5", "1", "1e-3").
Result<double> ParseNumber(std::string_view text, double min, double max);

// A non-negative duration; at most 100 years.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text,
                                                std::chrono::milliseconds bare_unit);

// A byte count in [min, max].
Result<std::uint64_t> ParseByteSize(std::string_view text, std::uint64_t min, std::uint64_t max);

// Comma-separated items, each trimmed; empty items dropped.
std::vector<std::string> ParseList(std::string_view text);

}  // namespace cairn::config
