// The imageservice's configuration and routes (main.cc only wires these to RunServiceMain).
//
//   GET  /accounts/{accountId}  (span "getaccountimage")
//        200 {"url":"<public_url>/file/cake.jpg","servedBy":"<ip>"}, application/json
//   GET  /file/{name}  200 image/jpeg: the bundled image `name` (cake.jpg, new.jpg) sepia-toned;
//        404 {"error":...} for any other name (names are looked up in a fixed set, never used as
//        paths)
//   POST /image  JPEG in, sepia JPEG out (image/jpeg), width capped at max_image_width;
//        400 {"error":...} for an empty or non-JPEG body, 413 for a body over max_body_bytes
//        (answered by the server) or an image over max_image_pixels
//   Image work runs on the blocking pool (503 {"error":...} when it is full).
//   GET /health, GET /metrics (from landscape::Service)
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "apps/landscape/common/service.h"
#include "apps/landscape/common/service_config.h"
#include "lib/config/loader.h"

namespace cairn::imageservice {

inline constexpr std::string_view kServiceName = "imageservice";

struct ImageConfig : landscape::ServiceConfig {
  ImageConfig() {
    server_port = 7777;
    max_body_bytes = 5 * 1024 * 1024;
  }
  // Base of the image URLs /accounts/{id} returns; empty: http://<service ip>:<port>.
  std::string public_url;
  int max_image_width = 800;
  std::uint64_t max_image_pixels = 16 * 1024 * 1024;
  int jpeg_quality = 85;
};

std::span<const config::Setting<ImageConfig>> ImageSettings();
const config::Loader<ImageConfig>& ImageLoader();

// Draws the bundled images and adds the routes above to `service`. Internal when the images
// cannot be encoded.
Status InstallImageRoutes(const ImageConfig& config, landscape::Service& service);

}  // namespace cairn::imageservice
