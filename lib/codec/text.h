// Text rules Zipkin applies through Java's String: lower-casing with Locale.ROOT (span and
// service names) and String.compareTo order (UTF-16 code units) for sorting tags and annotations.
//
// Thread-safe; no global state besides a lazily created, immutable "C.UTF-8" locale handle.
#pragma once

#include <string>
#include <string_view>

namespace cairn::codec {

// Whether LowerCaseRoot(text) could differ from `text`: any ASCII upper-case letter or any
// non-ASCII byte. False means the text is already lower case (the common, allocation-free case).
bool MayNeedLowerCase(std::string_view text);

// Appends String.toLowerCase(Locale.ROOT) of UTF-8 `text` to `out`. ASCII is mapped directly;
// other code points use the C library's Unicode simple case mapping (towlower in "C.UTF-8"),
// plus Java's two context rules: U+0130 becomes "i" + U+0307 and a final capital sigma becomes
// U+03C2. Ill-formed UTF-8 bytes are copied unchanged.
void AppendLowerCaseRoot(std::string_view text, std::string& out);

// Java String.compareTo order for UTF-8 strings: negative, zero or positive. Equals byte order
// except that supplementary characters sort before U+E000..U+FFFF (UTF-16 surrogates).
int CompareUtf16(std::string_view a, std::string_view b);

}  // namespace cairn::codec
