#include "lib/trace_http/beast_headers.h"

namespace cairn::trace_http {

std::size_t BeastHeaderReader::Get(std::string_view name, std::string_view* values,
                                   std::size_t max) const {
  std::size_t count = 0;
  auto range = fields_.equal_range(boost::beast::string_view(name.data(), name.size()));
  for (auto it = range.first; it != range.second; ++it) {
    if (count < max) {
      boost::beast::string_view value = it->value();
      values[count] = std::string_view(value.data(), value.size());
    }
    ++count;
  }
  return count;
}

void BeastHeaderWriter::Set(std::string_view name, std::string_view value) {
  fields_.set(boost::beast::string_view(name.data(), name.size()),
              boost::beast::string_view(value.data(), value.size()));
}

}  // namespace cairn::trace_http
