#include "apps/landscape/imageservice/imageservice.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <vector>

#include "apps/landscape/common/json_error.h"
#include "apps/landscape/common/run_main.h"
#include "apps/landscape/imageservice/bundled_images.h"
#include "apps/landscape/imageservice/image_ops.h"
#include "lib/model/json_escape.h"
#include "lib/net/blocking_pool.h"
#include "lib/net/request_context.h"

namespace cairn::imageservice {
namespace {

namespace http = net::http;
constexpr std::string_view kImageJpeg = "image/jpeg";

Status ApplyPublicUrl(std::string_view text, ImageConfig& config) {
  std::string url;
  CAIRN_RETURN_IF_ERROR(landscape::AssignServiceUrl(text, url));
  while (!url.empty() && url.back() == '/') url.pop_back();
  config.public_url = std::move(url);
  return Status::Ok();
}

Status ApplyMaxImageWidth(std::string_view text, ImageConfig& config) {
  return config::AssignInteger(text, config.max_image_width, 1, 16384);
}

Status ApplyMaxImagePixels(std::string_view text, ImageConfig& config) {
  return config::AssignInteger(text, config.max_image_pixels, 1, std::int64_t{1} << 30);
}

Status ApplyJpegQuality(std::string_view text, ImageConfig& config) {
  return config::AssignInteger(text, config.jpeg_quality, 1, 100);
}

// State shared by the handlers; kept alive by the Service.
struct ImageRoutes {
  landscape::Service& service;
  std::string public_url;
  SepiaOptions sepia;
  BundledImages images;

  // Runs SepiaJpeg on the blocking pool and answers the JPEG or the error: 503 when the pool is
  // full, 400 for a body that is not a JPEG, 413 for an image over the pixel limit.
  net::asio::awaitable<net::Response> Sepia(std::string_view jpeg) const {
    // Wrapped so that the pool's own refusal stays apart from the image's errors.
    struct Outcome {
      Result<std::string> jpeg;
    };
    const SepiaOptions& options = sepia;
    Result<Outcome> ran = co_await net::RunBlocking(
        service.blocking_pool(), [jpeg, &options] { return Outcome{SepiaJpeg(jpeg, options)}; });
    if (!ran.ok()) {
      co_return landscape::JsonError(net::HttpStatusFor(ran.status().code()),
                                     ran.status().message());
    }
    Result<std::string>& out = ran->jpeg;
    if (!out.ok()) {
      const Status& status = out.status();
      switch (status.code()) {
        case StatusCode::kInvalidArgument:
          co_return landscape::JsonError(http::status::bad_request, status.message());
        case StatusCode::kResourceExhausted:
          co_return landscape::JsonError(http::status::payload_too_large, status.message());
        default:
          spdlog::error("image processing failed: {}", status.message());
          co_return landscape::JsonError(http::status::internal_server_error, status.message());
      }
    }
    co_return net::MakeResponse(http::status::ok, std::move(out).value(), kImageJpeg);
  }
};

}  // namespace

std::span<const config::Setting<ImageConfig>> ImageSettings() {
  static const std::vector<config::Setting<ImageConfig>> settings = [] {
    auto rows =
        landscape::CommonSettings<ImageConfig>({.server_port = "7777", .max_body_bytes = "5MB"});
    rows.push_back({"PUBLIC_URL", "public_url", "http://<service_ip>:<port>",
                    "Base URL of the image links /accounts/{id} returns", &ApplyPublicUrl});
    rows.push_back({"MAX_IMAGE_WIDTH", "max_image_width", "800",
                    "Wider images are scaled down to this width", &ApplyMaxImageWidth});
    rows.push_back({"MAX_IMAGE_PIXELS", "max_image_pixels", "16777216",
                    "Images with more pixels are refused with 413 before decoding",
                    &ApplyMaxImagePixels});
    rows.push_back({"JPEG_QUALITY", "jpeg_quality", "85", "Quality of the JPEGs served (1..100)",
                    &ApplyJpegQuality});
    return rows;
  }();
  return settings;
}

const config::Loader<ImageConfig>& ImageLoader() {
  static const config::Loader<ImageConfig> loader(
      config::ProgramInfo{
          .name = kServiceName,
          .description = "Links account images and serves sepia-toned JPEGs (the landscape's "
                         "imageservice).",
          .version = landscape::VersionLine(kServiceName),
      },
      ImageSettings());
  return loader;
}

Status InstallImageRoutes(const ImageConfig& config, landscape::Service& service) {
  Result<BundledImages> images = BundledImages::Create();
  if (!images.ok()) return images.status();
  auto routes = std::make_shared<ImageRoutes>(ImageRoutes{
      .service = service,
      .public_url = config.public_url,
      .sepia = {.limits = {.max_pixels = config.max_image_pixels},
                .max_width = config.max_image_width,
                .quality = config.jpeg_quality},
      .images = std::move(images).value(),
  });
  service.Keep(routes);
  const ImageRoutes* r = routes.get();

  service.Get("/accounts/{accountId}", net::SyncHandler([r](net::RequestContext&) {
                const landscape::LocalEndpoint& local = r->service.local();
                const std::string base =
                    r->public_url.empty()
                        ? "http://" + local.ipv4 + ":" + std::to_string(r->service.port())
                        : r->public_url;
                std::string body = "{\"url\":";
                model::AppendJsonString(base + "/file/cake.jpg", body);
                body += ",\"servedBy\":";
                model::AppendJsonString(local.ipv4, body);
                body += '}';
                return net::JsonResponse(std::move(body));
              }),
              landscape::RouteTracing{.span_name = "getaccountimage"});

  service.Get("/file/{name}",
              net::Handler([r](net::RequestContext& ctx) -> net::asio::awaitable<net::Response> {
                const std::string_view name = ctx.PathParam("name").value_or("");
                const std::string* jpeg = r->images.Find(name);
                if (jpeg == nullptr) {
                  co_return landscape::JsonError(
                      http::status::not_found,
                      "no image named \"" + std::string(name.substr(0, 64)) + "\"");
                }
                co_return co_await r->Sepia(*jpeg);
              }));

  service.Post("/image",
               net::Handler([r](net::RequestContext& ctx) -> net::asio::awaitable<net::Response> {
                 const std::string body = std::move(ctx.request().body());
                 if (body.empty()) {
                   co_return landscape::JsonError(http::status::bad_request,
                                                  "the request body is empty; expected a JPEG "
                                                  "image");
                 }
                 co_return co_await r->Sepia(body);
               }));
  return Status::Ok();
}

}  // namespace cairn::imageservice
