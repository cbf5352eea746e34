// The quotes-service's domain: its quotes, request validation and the BCrypt work that makes a
// quote cost CPU (the original hashed each quote with Spring's BCryptPasswordEncoder(strength)).
// Pure functions apart from BcryptHash's salt (random) and PickQuote's choice; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lib/base/status.h"

namespace cairn::quotes {

inline constexpr int kMinStrength = 4;
inline constexpr int kMaxStrength = 14;
inline constexpr int kDefaultStrength = 12;  // the original's @RequestParam default

// The quotes of a language ("en" or "sv"); empty for other languages.
std::span<const std::string_view> QuotesFor(std::string_view language);

// A random quote of a supported language.
std::string_view PickQuote(std::string_view language);

// `strength` query value: absent -> `default_strength`; otherwise a decimal integer in 4..14.
// InvalidArgument naming the value otherwise ("strength must be an integer from 4 to 14, got
// \"x\"").
Result<int> ParseStrength(const std::optional<std::string>& value, int default_strength);

// `language` query value: absent -> `default_language`; "en" or "sv" otherwise.
Result<std::string> ParseLanguage(const std::optional<std::string>& value,
                                  std::string_view default_language);

// A real BCrypt ($2b$) hash of `text` with cost `cost` (2^cost rounds) and a random salt, by
// libxcrypt. Takes about 1 ms at cost 4 and doubles per step, so it belongs on a blocking pool.
// InvalidArgument for a cost outside 4..31; Internal when libxcrypt fails.
Result<std::string> BcryptHash(std::string_view text, int cost);

// True when `hash` is the BCrypt hash of `text` (re-hashes with the hash as setting).
bool BcryptVerify(std::string_view text, const std::string& hash);

// {"quote":"...","ipAddress":"...","language":"..."}
std::string QuoteJson(std::string_view quote, std::string_view ip_address,
                      std::string_view language);

}  // namespace cairn::quotes
