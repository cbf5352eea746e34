// JSON string escaping, byte-compatible with Zipkin's zipkin2.internal.JsonEscaper: the control
// characters U+0000..U+001F, '"' and '\\' are escaped (\" \\ \t \b \n \r \f, else \u00xx with
// lower-case hex), and so are U+2028 and U+2029 (\u2028, \u2029: JavaScript line terminators).
// Everything else, including U+007F and all other non-ASCII characters, is written as UTF-8.
// Ill-formed UTF-8 is repaired to U+FFFD first (see utf8.h), so the output is always valid JSON.
//
// Used by the span encoders and by anything else that writes JSON text the way Zipkin does (for
// example cairn-server's lists of service and span names).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn::model {

// Size of `text` once escaped (without surrounding quotes).
std::size_t JsonEscapedSize(std::string_view text);

// Writes `text` escaped (JsonEscapedSize(text) bytes, no quotes) and returns the end.
char* WriteJsonEscaped(std::string_view text, char* out);

// Appends `text` escaped, without quotes.
void AppendJsonEscaped(std::string_view text, std::string& out);

// Appends `text` as a JSON string: a quote, the escaped text, a quote.
void AppendJsonString(std::string_view text, std::string& out);

}  // namespace cairn::model
