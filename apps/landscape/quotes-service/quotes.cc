#include "apps/landscape/quotes-service/quotes.h"

#include <crypt.h>

#include <array>
#include <charconv>
#include <cstring>
#include <memory>
#include <random>

#include "lib/model/json_escape.h"

namespace cairn::quotes {
namespace {

// The original's English quotes (cadec-2017 quotes service and the blog's examples), and Swedish
// renderings of the same.
constexpr std::array<std::string_view, 4> kEnglish = {
    "To be or not to be",
    "You, too, Brutus?",
    "Champagne should be cold, dry and free",
    "Bring out the gimp.",
};
constexpr std::array<std::string_view, 4> kSwedish = {
    "Att vara eller inte vara",
    "Även du, min Brutus?",
    "Champagne ska vara kall, torr och gratis",
    "Ta fram gimpen.",
};

std::mt19937_64& ThreadRandom() {
  thread_local std::mt19937_64 random(std::random_device{}());
  return random;
}

std::string Quoted(std::string_view value) {
  // Keep error messages short when a client sends a huge value.
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  out += value.substr(0, kMax);
  if (value.size() > kMax) out += "...";
  out += '"';
  return out;
}

}  // namespace

std::span<const std::string_view> QuotesFor(std::string_view language) {
  if (language == "en") return kEnglish;
  if (language == "sv") return kSwedish;
  return {};
}

std::string_view PickQuote(std::string_view language) {
  std::span<const std::string_view> quotes = QuotesFor(language);
  if (quotes.empty()) return {};
  std::uniform_int_distribution<std::size_t> pick(0, quotes.size() - 1);
  return quotes[pick(ThreadRandom())];
}

Result<int> ParseStrength(const std::optional<std::string>& value, int default_strength) {
  if (!value) return default_strength;
  int strength = 0;
  const char* begin = value->data();
  const char* end = begin + value->size();
  auto [ptr, ec] = std::from_chars(begin, end, strength);
  if (value->empty() || ec != std::errc() || ptr != end || strength < kMinStrength ||
      strength > kMaxStrength) {
    return InvalidArgument("strength must be an integer from " + std::to_string(kMinStrength) +
                           " to " + std::to_string(kMaxStrength) + ", got " + Quoted(*value));
  }
  return strength;
}

Result<std::string> ParseLanguage(const std::optional<std::string>& value,
                                  std::string_view default_language) {
  const std::string_view language = value ? std::string_view(*value) : default_language;
  if (QuotesFor(language).empty()) {
    return InvalidArgument("language must be en or sv, got " + Quoted(language));
  }
  return std::string(language);
}

Result<std::string> BcryptHash(std::string_view text, int cost) {
  if (cost < 4 || cost > 31) return InvalidArgument("BCrypt cost must be from 4 to 31");
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // Null random bytes: libxcrypt reads the salt from the OS (getrandom).
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting,
                       sizeof(setting)) == nullptr) {
    return Internal("crypt_gensalt_rn failed for $2b$ cost " + std::to_string(cost));
  }
  const std::string phrase(text);  // NUL-terminated; BCrypt reads at most 72 bytes
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* hash = crypt_rn(phrase.c_str(), setting, data.get(), sizeof(crypt_data));
  if (hash == nullptr) return Internal("crypt_rn failed for BCrypt cost " + std::to_string(cost));
  return std::string(hash);
}

bool BcryptVerify(std::string_view text, const std::string& hash) {
  const std::string phrase(text);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* again = crypt_rn(phrase.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  return again != nullptr && hash == again;
}

std::string QuoteJson(std::string_view quote, std::string_view ip_address,
                      std::string_view language) {
  std::string out = "{\"quote\":";
  model::AppendJsonString(quote, out);
  out += ",\"ipAddress\":";
  model::AppendJsonString(ip_address, out);
  out += ",\"language\":";
  model::AppendJsonString(language, out);
  out += '}';
  return out;
}

}  // namespace cairn::quotes
