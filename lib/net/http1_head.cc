#include "lib/net/http1_head.h"

#include <boost/beast/http/error.hpp>

namespace cairn::net {

namespace http = boost::beast::http;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool HasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (EqualsIgnoreCase(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

void MessageHead::Clear() {
  arena_.clear();
  fields_.clear();
  method_ = http::verb::unknown;
  method_pos_ = method_len_ = target_pos_ = target_len_ = reason_pos_ = reason_len_ = 0;
  status_ = 0;
  version_ = 11;
  keep_alive_ = chunked_ = upgrade_ = need_eof_ = false;
  content_length_.reset();
}

std::uint32_t MessageHead::Store(std::string_view text) {
  auto pos = static_cast<std::uint32_t>(arena_.size());
  arena_.append(text);
  return pos;
}

const MessageHead::Field* MessageHead::Find(http::field id) const {
  for (const Field& f : fields_) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

const MessageHead::Field* MessageHead::Find(std::string_view name) const {
  for (const Field& f : fields_) {
    if (EqualsIgnoreCase(this->name(f), name)) return &f;
  }
  return nullptr;
}

std::string_view MessageHead::Value(http::field id) const {
  const Field* f = Find(id);
  return f != nullptr ? value(*f) : std::string_view();
}

template <bool isRequest>
void HeadParser<isRequest>::on_request_impl(http::verb method, string_view method_str,
                                            string_view target, int version, error_code&) {
  head_.method_ = method;
  head_.method_pos_ = head_.Store({method_str.data(), method_str.size()});
  head_.method_len_ = static_cast<std::uint32_t>(method_str.size());
  head_.target_pos_ = head_.Store({target.data(), target.size()});
  head_.target_len_ = static_cast<std::uint32_t>(target.size());
  head_.version_ = version;
}

template <bool isRequest>
void HeadParser<isRequest>::on_response_impl(int code, string_view reason, int version,
                                             error_code&) {
  head_.status_ = static_cast<unsigned>(code);
  head_.reason_pos_ = head_.Store({reason.data(), reason.size()});
  head_.reason_len_ = static_cast<std::uint32_t>(reason.size());
  head_.version_ = version;
}

template <bool isRequest>
void HeadParser<isRequest>::on_field_impl(http::field name, string_view name_string,
                                          string_view value, error_code& ec) {
  if (head_.fields_.size() >= max_fields_) {
    too_many_fields_ = true;
    ec = http::error::header_limit;
    return;
  }
  MessageHead::Field f;
  f.id = name;
  f.name_pos = head_.Store({name_string.data(), name_string.size()});
  f.name_len = static_cast<std::uint32_t>(name_string.size());
  f.value_pos = head_.Store({value.data(), value.size()});
  f.value_len = static_cast<std::uint32_t>(value.size());
  head_.fields_.push_back(f);
}

template <bool isRequest>
void HeadParser<isRequest>::on_header_impl(error_code&) {
  head_.keep_alive_ = this->keep_alive();
  head_.chunked_ = this->chunked();
  head_.upgrade_ = this->upgrade();
  head_.need_eof_ = this->need_eof();
  head_.content_length_ = this->content_length();
}

template <bool isRequest>
std::size_t HeadParser<isRequest>::on_body_impl(string_view body, error_code&) {
  body_bytes_ += body.size();
  if (body_ != nullptr) body_->append(body.data(), body.size());
  return body.size();
}

template <bool isRequest>
std::size_t HeadParser<isRequest>::on_chunk_body_impl(std::uint64_t, string_view body,
                                                      error_code&) {
  body_bytes_ += body.size();
  if (body_ != nullptr) body_->append(body.data(), body.size());
  return body.size();
}

template class HeadParser<true>;
template class HeadParser<false>;

}  // namespace cairn::net
