// The imageservice's image work: JPEG decode and encode (libjpeg-turbo's TurboJPEG API), a sepia
// tone, and down-scaling to a maximum width (stb_image_resize, sRGB-aware). CPU-heavy and
// allocating: call from a blocking pool, never from an I/O thread. Thread-safe (every call uses
// its own TurboJPEG handle).
//
// Untrusted input: DecodeJpeg reads the header first and refuses images whose pixel count exceeds
// the limit before allocating anything for pixels (a small file can declare a huge image), and
// limits progressive scans (TJFLAG_LIMITSCANS) against scan bombs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/status.h"

namespace cairn::imageservice {

// 8-bit RGB, rows top to bottom, no padding.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3

  Image() = default;
  Image(int w, int h) : width(w), height(h), rgb(static_cast<std::size_t>(w) * h * 3, 0) {}
  std::uint8_t* Pixel(int x, int y) {
    return rgb.data() + (static_cast<std::size_t>(y) * width + x) * 3;
  }
  const std::uint8_t* Pixel(int x, int y) const {
    return rgb.data() + (static_cast<std::size_t>(y) * width + x) * 3;
  }
};

struct ImageLimits {
  std::uint64_t max_pixels = 16 * 1024 * 1024;
};

// True when `bytes` starts like a JPEG file (SOI marker FF D8 FF).
bool LooksLikeJpeg(std::string_view bytes);

// InvalidArgument ("not a JPEG image: ...") for anything TurboJPEG cannot decode;
// ResourceExhausted naming both figures when width*height exceeds limits.max_pixels.
Result<Image> DecodeJpeg(std::string_view bytes, const ImageLimits& limits = {});

// Baseline JPEG, 4:2:0, `quality` 1..100. InvalidArgument for an empty image or bad quality.
Result<std::string> EncodeJpeg(const Image& image, int quality);

// The classic sepia matrix (as gift.Sepia(100)): r' = .393r + .769g + .189b,
// g' = .349r + .686g + .168b, b' = .272r + .534g + .131b, clamped to 255.
void ApplySepia(Image& image);

// `image` scaled down to `max_width` (height in proportion, at least 1) when wider; unchanged
// otherwise. Never scales up. Internal when the resizer cannot allocate its scratch memory.
Result<Image> ResizeToMaxWidth(Image image, int max_width);

struct SepiaOptions {
  ImageLimits limits;
  int max_width = 800;
  int quality = 85;
};

// Decode, cap the width, sepia, encode: what POST /image and GET /file/{name} answer.
Result<std::string> SepiaJpeg(std::string_view jpeg, const SepiaOptions& options);

}  // namespace cairn::imageservice
