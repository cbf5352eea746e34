// Adapters between Beast HTTP header fields and the tracer's propagation carriers.
//
// BeastHeaderReader lets Tracer::Extract read a request's headers; BeastHeaderWriter lets
// Tracer::Inject write into an outgoing request. Beast compares field names case-insensitively,
// so `X-B3-TraceId` and `x-b3-traceid` are the same header. Both adapters only hold a reference:
// the fields must outlive them (and, for the reader, any view it hands out).
#pragma once

#include <boost/beast/http/fields.hpp>
#include <cstddef>
#include <string_view>

#include "cairn/trace/propagation.h"

namespace cairn::trace_http {

class BeastHeaderReader final : public trace::HeaderReader {
 public:
  explicit BeastHeaderReader(const boost::beast::http::fields& fields) : fields_(fields) {}

  // Every value of `name`, in the order received (repeated headers are separate values).
  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override;

 private:
  const boost::beast::http::fields& fields_;
};

class BeastHeaderWriter final : public trace::HeaderWriter {
 public:
  explicit BeastHeaderWriter(boost::beast::http::fields& fields) : fields_(fields) {}

  // Replaces every existing value of `name`.
  void Set(std::string_view name, std::string_view value) override;

 private:
  boost::beast::http::fields& fields_;
};

}  // namespace cairn::trace_http
