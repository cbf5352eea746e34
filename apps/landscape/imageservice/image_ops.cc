#include "apps/landscape/imageservice/image_ops.h"

#include <stb/stb_image_resize.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace cairn::imageservice {
namespace {

struct TjDeleter {
  void operator()(void* handle) const {
    if (handle != nullptr) tjDestroy(handle);
  }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

struct TjBufferDeleter {
  void operator()(unsigned char* buffer) const { tjFree(buffer); }
};

std::uint8_t Clamp(double value) {
  return static_cast<std::uint8_t>(std::min(255.0, std::max(0.0, std::round(value))));
}

}  // namespace

bool LooksLikeJpeg(std::string_view bytes) {
  return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
         static_cast<unsigned char>(bytes[1]) == 0xD8 &&
         static_cast<unsigned char>(bytes[2]) == 0xFF;
}

Result<Image> DecodeJpeg(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.empty()) return InvalidArgument("not a JPEG image: the data is empty");
  if (!LooksLikeJpeg(bytes)) {
    return InvalidArgument("not a JPEG image: the data does not start with the JPEG marker FF D8");
  }
  TjHandle handle(tjInitDecompress());
  if (!handle) return Internal("cannot initialise the JPEG decoder");
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto size = static_cast<unsigned long>(bytes.size());
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(handle.get(), data, size, &width, &height, &subsampling, &colorspace) !=
      0) {
    return InvalidArgument(std::string("not a JPEG image: ") + tjGetErrorStr2(handle.get()));
  }
  if (width <= 0 || height <= 0) return InvalidArgument("not a JPEG image: no pixels");
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (pixels > limits.max_pixels) {
    return ResourceExhausted("image of " + std::to_string(width) + "x" + std::to_string(height) +
                             " = " + std::to_string(pixels) + " pixels; at most " +
                             std::to_string(limits.max_pixels) + " pixels are accepted");
  }
  Image image(width, height);
  if (tjDecompress2(handle.get(), data, size, image.rgb.data(), width, 0, height, TJPF_RGB,
                    TJFLAG_LIMITSCANS) != 0 &&
      tjGetErrorCode(handle.get()) == TJERR_FATAL) {
    return InvalidArgument(std::string("not a valid JPEG image: ") + tjGetErrorStr2(handle.get()));
  }
  return image;
}

Result<std::string> EncodeJpeg(const Image& image, int quality) {
  if (image.width <= 0 || image.height <= 0 ||
      image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3) {
    return InvalidArgument("cannot encode an empty or inconsistent image");
  }
  if (quality < 1 || quality > 100) return InvalidArgument("JPEG quality must be from 1 to 100");
  TjHandle handle(tjInitCompress());
  if (!handle) return Internal("cannot initialise the JPEG encoder");
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  const int rc = tjCompress2(handle.get(), image.rgb.data(), image.width, 0, image.height, TJPF_RGB,
                             &out, &out_size, TJSAMP_420, quality, 0);
  std::unique_ptr<unsigned char, TjBufferDeleter> owned(out);
  if (rc != 0)
    return Internal(std::string("JPEG encoding failed: ") + tjGetErrorStr2(handle.get()));
  return std::string(reinterpret_cast<const char*>(out), out_size);
}

void ApplySepia(Image& image) {
  for (std::size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
    const double r = image.rgb[i], g = image.rgb[i + 1], b = image.rgb[i + 2];
    image.rgb[i] = Clamp(0.393 * r + 0.769 * g + 0.189 * b);
    image.rgb[i + 1] = Clamp(0.349 * r + 0.686 * g + 0.168 * b);
    image.rgb[i + 2] = Clamp(0.272 * r + 0.534 * g + 0.131 * b);
  }
}

Result<Image> ResizeToMaxWidth(Image image, int max_width) {
  if (max_width <= 0 || image.width <= max_width) return image;
  const int height = std::max(1, static_cast<int>(std::lround(static_cast<double>(image.height) *
                                                              max_width / image.width)));
  Image out(max_width, height);
  if (stbir_resize_uint8_srgb(image.rgb.data(), image.width, image.height, 0, out.rgb.data(),
                              out.width, out.height, 0, 3, STBIR_ALPHA_CHANNEL_NONE, 0) == 0) {
    return Internal("image resize failed");
  }
  return out;
}

Result<std::string> SepiaJpeg(std::string_view jpeg, const SepiaOptions& options) {
  Result<Image> decoded = DecodeJpeg(jpeg, options.limits);
  if (!decoded.ok()) return decoded.status();
  Result<Image> image = ResizeToMaxWidth(std::move(decoded).value(), options.max_width);
  if (!image.ok()) return image.status();
  ApplySepia(*image);
  return EncodeJpeg(*image, options.quality);
}

}  // namespace cairn::imageservice
