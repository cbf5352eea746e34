#include "lib/codec/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>

namespace cairn::codec {
namespace {

// zlib counts in uInt; feed it at most this much per call.
constexpr std::size_t kMaxChunk = std::size_t{1} << 30;

Status CannotGunzip() { return InvalidArgument("Cannot gunzip spans"); }

// Owns a z_stream set up for gzip-only inflation.
class Inflater {
 public:
  Inflater() = default;
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  ~Inflater() {
    if (initialized_) inflateEnd(&stream_);
  }

  bool Init() {
    initialized_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;  // 16: gzip wrapper only
    return initialized_;
  }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool initialized_ = false;
};

}  // namespace

Result<std::string> Gunzip(std::string_view compressed, std::size_t max_output) {
  Inflater inflater;
  if (!inflater.Init()) return Internal("zlib inflateInit2 failed");
  z_stream& stream = inflater.stream();
  std::string out;
  std::size_t produced = 0;
  std::size_t consumed = 0;
  unsigned char probe = 0;
  while (true) {
    // Grow the output geometrically up to the limit; once there, inflate into a one-byte probe:
    // any byte it receives is over the limit.
    if (produced == out.size() && out.size() < max_output) {
      std::size_t next =
          out.empty() ? std::max<std::size_t>(compressed.size() * 4, 4096) : out.size() * 2;
      out.resize(std::min(next, max_output));
    }
    bool probing = produced == out.size();
    std::size_t space = probing ? 1 : std::min(out.size() - produced, kMaxChunk);
    std::size_t input = std::min(compressed.size() - consumed, kMaxChunk);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + consumed));
    stream.avail_in = static_cast<uInt>(input);
    stream.next_out = probing ? &probe : reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(space);
    int rc = inflate(&stream, Z_NO_FLUSH);
    consumed += input - stream.avail_in;
    std::size_t written = space - stream.avail_out;
    if (probing && written > 0) {
      return ResourceExhausted("Decompressed spans exceed " + std::to_string(max_output) +
                               " bytes");
    }
    produced += probing ? 0 : written;
    if (rc == Z_OK) continue;
    if (rc != Z_STREAM_END) return CannotGunzip();  // corrupt, or input ended mid-member
    // End of a member: another may follow (concatenated gzip), or only zero padding.
    std::string_view rest = compressed.substr(consumed);
    if (rest.find_first_not_of('\0') == std::string_view::npos) break;
    if (inflateReset(&stream) != Z_OK) return CannotGunzip();
  }
  out.resize(produced);
  return out;
}

}  // namespace cairn::codec
