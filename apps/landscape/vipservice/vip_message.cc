#include "apps/landscape/vipservice/vip_message.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace cairn::vipservice {
namespace {

Result<std::string> StringField(const boost::json::object& object, const char* key) {
  const boost::json::value* found = object.if_contains(key);
  if (found == nullptr || !found->is_string()) {
    return InvalidArgument(std::string("VIP message has no string \"") + key + "\"");
  }
  const boost::json::string& text = found->as_string();
  if (text.size() > kMaxFieldBytes) {
    return InvalidArgument(std::string("VIP message \"") + key + "\" is longer than " +
                           std::to_string(kMaxFieldBytes) + " bytes");
  }
  return std::string(text);
}

}  // namespace

Result<VipNotification> DecodeVipNotification(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return InvalidArgument("VIP message is not JSON: " + ec.message());
  if (!value.is_object()) return InvalidArgument("VIP message is not a JSON object");
  const boost::json::object& object = value.as_object();
  VipNotification notification;
  Result<std::string> account_id = StringField(object, "accountId");
  if (!account_id.ok()) return account_id.status();
  if (account_id->empty()) return InvalidArgument("VIP message has an empty \"accountId\"");
  Result<std::string> read_at = StringField(object, "readAt");
  if (!read_at.ok()) return read_at.status();
  notification.account_id = std::move(account_id).value();
  notification.read_at = std::move(read_at).value();
  return notification;
}

}  // namespace cairn::vipservice
