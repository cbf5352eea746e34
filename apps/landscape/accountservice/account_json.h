// The JSON the accountservice speaks: its GET /accounts/{id} answer, the quotes-service and
// imageservice answers it reads, their fallbacks, and the VIP message it publishes.
//
//   {"id":"10000","name":"Person_0","servedBy":"10.0.0.12",
//    "quote":{"quote":"...","ipAddress":"<host>/<ip>:8080","language":"en"},
//    "imageData":{"url":"http://imageservice:7777/file/cake.jpg","servedBy":"10.0.0.9"}}
//
// Field names and order are the original's (goblog P12 model/account.go). Pure functions,
// thread-safe. Decoders take untrusted bytes from another service: anything but the expected
// object with string fields is an InvalidArgument saying what was wrong (extra fields are
// ignored), and the caller falls back.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "apps/landscape/accountservice/account_store.h"
#include "lib/base/status.h"

namespace cairn::accountservice {

struct Quote {
  std::string text;        // "quote"
  std::string ip_address;  // "ipAddress": who served it, "<host>/<ip>:<port>"
  std::string language;    // "language"

  friend bool operator==(const Quote&, const Quote&) = default;
};

struct ImageData {
  std::string url;
  std::string served_by;  // "servedBy"

  friend bool operator==(const ImageData&, const ImageData&) = default;
};

// The answers used when a downstream cannot give one (breaker open, timeout, errors, bad body).
Quote FallbackQuote();          // "May the source be with you, always." from "circuit-breaker"
ImageData FallbackImageData();  // http://path.to.placeholder served by "fallback"

// The 200 body of GET /accounts/{id}.
std::string EncodeAccountResponse(const Account& account, std::string_view served_by,
                                  const Quote& quote, const ImageData& image);

// quotes-service's {"quote":..,"ipAddress":..,"language":..}; all three must be strings.
Result<Quote> DecodeQuote(std::string_view json);
// imageservice's {"url":..,"servedBy":..}; both must be strings, the url not empty.
Result<ImageData> DecodeImageData(std::string_view json);

// "2024-05-01T12:00:00.123456Z": RFC 3339, UTC, microseconds.
std::string FormatRfc3339Utc(std::chrono::system_clock::time_point time);

// The VIP notification: {"accountId":"10000","readAt":"<RFC 3339 UTC>"}.
std::string EncodeVipNotification(std::string_view account_id,
                                  std::chrono::system_clock::time_point read_at);

}  // namespace cairn::accountservice
