// gzip decompression of span bodies (Content-Encoding: gzip), with a hard cap on the output so a
// small "gzip bomb" cannot make the server allocate gigabytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cairn/trace/status.h"

namespace cairn::codec {

// Decompresses one or more concatenated gzip members (RFC 1952), as `gzip -d` does.
// Errors: kInvalidArgument "Cannot gunzip spans" when the input is not valid gzip (bad header,
// corrupt data, CRC or length mismatch, truncation, trailing garbage); kResourceExhausted
// "Decompressed spans exceed <max_output> bytes" as soon as the output would pass `max_output`.
// Thread-safe.
Result<std::string> Gunzip(std::string_view compressed, std::size_t max_output);

}  // namespace cairn::codec
