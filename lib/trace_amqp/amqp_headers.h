// Trace context in AMQP 0-9-1 message headers (the `headers` field table of basic properties).
//
// Writing: the publisher gives the tracer a MessageHeaders as its HeaderWriter, so the tracer's
// propagation policy decides what is written; for a PRODUCER span that is Brave's messaging form,
// the single `b3` header without parent id (`{traceid}-{spanid}-{1|0|d}`), plus `traceparent` when
// the tracer injects W3C too. Values are written as AMQP long strings ('S').
//
// Reading: AmqpTableReader exposes a received header table to the tracer's Extract, which tries
// `b3` first, then the multi-header keys. Keys match case-insensitively, so the original Go
// services' lower-case `x-b3-traceid`, `x-b3-spanid`, `x-b3-parentspanid`, `x-b3-sampled`
// (`true`/`false` or `1`/`0`) and `x-b3-flags` work as well as `X-B3-*`. Only long-string ('S') and
// byte-array ('x') values are read; an entry of any other type (number, boolean, nested table) is
// ignored as if absent. Malformed values never throw: the tracer treats them as absent and starts
// a new trace (docs/propagation.md).
#pragma once

#include <amqp.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/trace/propagation.h"

namespace cairn::trace_amqp {

// Reads a top-level AMQP field table. Does not own the table; views returned by Get point into it.
class AmqpTableReader final : public trace::HeaderReader {
 public:
  explicit AmqpTableReader(const amqp_table_t& table) : table_(table) {}

  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override;

 private:
  const amqp_table_t& table_;
};

// Owned string headers of an outgoing message, in insertion order. Set replaces a header of the
// same (case-insensitive) name. AsTable() views the headers as an AMQP table of long strings; the
// table (and the entries behind it) stay valid until the next Set or the object's destruction.
class MessageHeaders final : public trace::HeaderWriter {
 public:
  MessageHeaders() = default;
  MessageHeaders(const MessageHeaders&) = delete;
  MessageHeaders& operator=(const MessageHeaders&) = delete;
  MessageHeaders(MessageHeaders&&) noexcept = default;
  MessageHeaders& operator=(MessageHeaders&&) noexcept = default;

  void Set(std::string_view name, std::string_view value) override;

  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  // Sum of name and value sizes.
  std::size_t ByteSize() const;

  amqp_table_t AsTable();

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  std::vector<amqp_table_entry_t> table_entries_;
};

// AMQP short strings (table keys) are at most 255 bytes; longer names are never matched or sent.
inline constexpr std::size_t kMaxHeaderNameBytes = 255;

}  // namespace cairn::trace_amqp
