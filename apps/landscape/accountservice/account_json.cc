#include "apps/landscape/accountservice/account_json.h"

#include <time.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <initializer_list>
#include <utility>

#include "lib/model/json_escape.h"

namespace cairn::accountservice {
namespace {

using FieldList = std::initializer_list<std::pair<const char*, std::string*>>;

// Reads the string fields of a JSON object; `what` names the document in errors.
Status ReadStrings(std::string_view json, std::string_view what, FieldList fields) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(json, ec);
  if (ec) return InvalidArgument(std::string(what) + " is not JSON: " + ec.message());
  if (!value.is_object()) return InvalidArgument(std::string(what) + " is not a JSON object");
  const boost::json::object& object = value.as_object();
  for (const auto& [key, field] : fields) {
    const boost::json::value* found = object.if_contains(key);
    if (found == nullptr || !found->is_string()) {
      return InvalidArgument(std::string(what) + " has no string \"" + key + "\"");
    }
    *field = std::string(found->as_string());
  }
  return Status::Ok();
}

void AppendField(std::string_view name, std::string_view value, std::string& out) {
  out += '"';
  out += name;
  out += "\":";
  model::AppendJsonString(value, out);
}

}  // namespace

Quote FallbackQuote() {
  return Quote{"May the source be with you, always.", "circuit-breaker", "en"};
}

ImageData FallbackImageData() { return ImageData{"http://path.to.placeholder", "fallback"}; }

std::string EncodeAccountResponse(const Account& account, std::string_view served_by,
                                  const Quote& quote, const ImageData& image) {
  std::string out = "{";
  AppendField("id", account.id, out);
  out += ',';
  AppendField("name", account.name, out);
  out += ',';
  AppendField("servedBy", served_by, out);
  out += ",\"quote\":{";
  AppendField("quote", quote.text, out);
  out += ',';
  AppendField("ipAddress", quote.ip_address, out);
  out += ',';
  AppendField("language", quote.language, out);
  out += "},\"imageData\":{";
  AppendField("url", image.url, out);
  out += ',';
  AppendField("servedBy", image.served_by, out);
  out += "}}";
  return out;
}

Result<Quote> DecodeQuote(std::string_view json) {
  Quote quote;
  CAIRN_RETURN_IF_ERROR(ReadStrings(
      json, "quote",
      {{"quote", &quote.text}, {"ipAddress", &quote.ip_address}, {"language", &quote.language}}));
  return quote;
}

Result<ImageData> DecodeImageData(std::string_view json) {
  ImageData image;
  CAIRN_RETURN_IF_ERROR(
      ReadStrings(json, "image data", {{"url", &image.url}, {"servedBy", &image.served_by}}));
  if (image.url.empty()) return InvalidArgument("image data has an empty \"url\"");
  return image;
}

std::string FormatRfc3339Utc(std::chrono::system_clock::time_point time) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  using std::chrono::seconds;
  const auto since_epoch = duration_cast<microseconds>(time.time_since_epoch());
  auto whole = duration_cast<seconds>(since_epoch);
  auto micros = since_epoch - duration_cast<microseconds>(whole);
  if (micros.count() < 0) {  // before 1970: keep the fraction positive
    whole -= seconds(1);
    micros += seconds(1);
  }
  const std::time_t t = static_cast<std::time_t>(whole.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros.count()));
  return buffer;
}

std::string EncodeVipNotification(std::string_view account_id,
                                  std::chrono::system_clock::time_point read_at) {
  std::string out = "{";
  AppendField("accountId", account_id, out);
  out += ',';
  AppendField("readAt", FormatRfc3339Utc(read_at), out);
  out += '}';
  return out;
}

}  // namespace cairn::accountservice
