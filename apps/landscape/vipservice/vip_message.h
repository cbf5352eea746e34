// The VIP notification vipservice consumes from vip_queue, as accountservice publishes it:
//
//   {"accountId":"10000","readAt":"2024-05-01T12:00:00.123456Z"}
//
// The original Go services wrote readAt in Go's time.Time.String() form
// ("2017-10-25 18:31:22.123456789 +0000 UTC"), so readAt is kept as text, not parsed. Pure
// functions; the input is untrusted (anyone can publish to the queue).
#pragma once

#include <string>
#include <string_view>

#include "lib/base/status.h"

namespace cairn::vipservice {

struct VipNotification {
  std::string account_id;
  std::string read_at;
};

// Longest accountId / readAt accepted (longer values are an error, not truncated).
inline constexpr std::size_t kMaxFieldBytes = 256;

// InvalidArgument saying what is wrong for anything but a JSON object with a non-empty string
// accountId and a string readAt (each at most kMaxFieldBytes); other fields are ignored.
Result<VipNotification> DecodeVipNotification(std::string_view body);

}  // namespace cairn::vipservice
