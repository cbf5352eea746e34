// Allocation-free HTTP/1.1 message heads for proxies: MessageHead keeps a request or status line
// and its header fields in one reusable arena, and HeadParser fills it with Beast's basic_parser
// (the same parsing rules and limits as the rest of lib/net) while handing body bytes to a sink.
//
// A proxy reads a head, looks at a few fields, and writes a new head field by field; copying the
// fields once into a per-connection arena that is reused for every message costs no allocation in
// the steady state, where beast::http::fields allocates per field.
//
//   MessageHead head;
//   std::string body;
//   HeadParser<true> parser(head, /*max_fields=*/100, &body);
//   parser.header_limit(16 * 1024);
//   std::size_t used = parser.put(bytes, ec);   // http::error::need_more: feed more bytes
//
// Errors beyond basic_parser's: more than `max_fields` fields gives http::error::header_limit
// (answer 431, like an oversized header). Not thread-safe; a head and a parser belong to one
// connection.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::net {

namespace http1 {
namespace beast_http = boost::beast::http;
}

class MessageHead {
 public:
  struct Field {
    boost::beast::http::field id;  // field::unknown for names Beast does not know
    std::uint32_t name_pos, name_len, value_pos, value_len;
  };

  MessageHead() { arena_.reserve(1024); }

  // Forgets the previous message; keeps the memory.
  void Clear();

  // Request line (requests only).
  boost::beast::http::verb method() const { return method_; }
  std::string_view method_string() const { return View(method_pos_, method_len_); }
  std::string_view target() const { return View(target_pos_, target_len_); }
  // Status line (responses only).
  unsigned status() const { return status_; }
  std::string_view reason() const { return View(reason_pos_, reason_len_); }
  // 10 or 11.
  int version() const { return version_; }

  std::size_t field_count() const { return fields_.size(); }
  const Field& field(std::size_t i) const { return fields_[i]; }
  std::string_view name(const Field& f) const { return View(f.name_pos, f.name_len); }
  std::string_view value(const Field& f) const { return View(f.value_pos, f.value_len); }
  const std::vector<Field>& fields() const { return fields_; }

  // The first field with this id (or, for Find(name), this case-insensitive name); nullptr if none.
  const Field* Find(boost::beast::http::field id) const;
  const Field* Find(std::string_view name) const;
  // Value of the first such field, or empty.
  std::string_view Value(boost::beast::http::field id) const;

  // Framing, as basic_parser determined it once the header was complete.
  bool keep_alive() const { return keep_alive_; }
  bool chunked() const { return chunked_; }
  bool upgrade() const { return upgrade_; }
  bool need_eof() const { return need_eof_; }
  const boost::optional<std::uint64_t>& content_length() const { return content_length_; }

 private:
  template <bool>
  friend class HeadParser;

  std::uint32_t Store(std::string_view text);
  std::string_view View(std::uint32_t pos, std::uint32_t len) const {
    return std::string_view(arena_).substr(pos, len);
  }

  std::string arena_;
  std::vector<Field> fields_;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  std::uint32_t method_pos_ = 0, method_len_ = 0, target_pos_ = 0, target_len_ = 0;
  std::uint32_t reason_pos_ = 0, reason_len_ = 0;
  unsigned status_ = 0;
  int version_ = 11;
  bool keep_alive_ = false, chunked_ = false, upgrade_ = false, need_eof_ = false;
  boost::optional<std::uint64_t> content_length_;
};

template <bool isRequest>
class HeadParser final : public boost::beast::http::basic_parser<isRequest> {
 public:
  // Fills `head` (cleared now). Body bytes, de-chunked, are appended to `*body`; with a null sink
  // they are counted and dropped.
  HeadParser(MessageHead& head, std::size_t max_fields, std::string* body)
      : head_(head), max_fields_(max_fields), body_(body) {
    head_.Clear();
  }

  void set_body_sink(std::string* body) { body_ = body; }
  // Body bytes seen so far (after de-chunking).
  std::uint64_t body_bytes() const { return body_bytes_; }
  // True when the last failure was the field-count limit.
  bool too_many_fields() const { return too_many_fields_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code&) override;
  void on_response_impl(int code, string_view reason, int version, error_code&) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  MessageHead& head_;
  std::size_t max_fields_;
  std::string* body_;
  std::uint64_t body_bytes_ = 0;
  bool too_many_fields_ = false;
};

extern template class HeadParser<true>;
extern template class HeadParser<false>;

// Appends "name: value\r\n".
inline void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ", 2);
  out.append(value);
  out.append("\r\n", 2);
}

// Case-insensitive ASCII comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// True when the comma-separated list `value` has `token` (case-insensitive), as in
// "Connection: keep-alive, Upgrade".
bool HasToken(std::string_view value, std::string_view token);

}  // namespace cairn::net
