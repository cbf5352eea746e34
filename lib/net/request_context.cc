#include "lib/net/request_context.h"

#include <boost/url/decode_view.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_encoded_view.hpp>

namespace cairn::net {

void RequestContext::Reset(Request& request, const asio::ip::tcp::endpoint& remote) {
  request_ = &request;
  remote_ = remote;
  url_ = boost::urls::url_view();
  route_ = {};
  num_params_ = 0;
  handler_ = nullptr;
  outcome_ = http::status::ok;
  allow_ = {};
  problem_ = {};
}

std::string_view RequestContext::encoded_path() const {
  boost::urls::pct_string_view path = url_.encoded_path();
  return {path.data(), path.size()};
}

std::optional<std::string_view> RequestContext::PathParam(std::string_view name) const {
  for (std::size_t i = 0; i < num_params_; ++i) {
    if (params_[i].name == name) return params_[i].value;
  }
  return std::nullopt;
}

std::optional<std::string> RequestContext::QueryParam(std::string_view name) const {
  auto params = url_.encoded_params();
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  auto param = *it;
  if (!param.has_value) return std::string();
  // Query strings from HTML forms and most HTTP clients encode spaces as '+'.
  return param.value.decode(boost::urls::encoding_opts(/*space_as_plus=*/true));
}

bool RequestContext::HasQueryParam(std::string_view name) const {
  auto params = url_.encoded_params();
  return params.find(name) != params.end();
}

bool RequestContext::AddParam(std::string_view name, std::string_view encoded) {
  if (num_params_ == kMaxPathParams) return false;
  Param& param = params_[num_params_];
  param.name = name;
  if (encoded.find('%') == std::string_view::npos) {
    param.value = encoded;
  } else {
    // The router only hands over segments Boost.URL validated, so this cannot fail; keep the raw
    // text if it ever did rather than throw.
    auto pct = boost::urls::make_pct_string_view(encoded);
    if (!pct) {
      param.value = encoded;
    } else {
      std::string& out = decoded_[num_params_];
      out.clear();
      out.reserve(pct->decoded_size());
      for (char c : **pct) out.push_back(c);
      param.value = out;
    }
  }
  ++num_params_;
  return true;
}

}  // namespace cairn::net
