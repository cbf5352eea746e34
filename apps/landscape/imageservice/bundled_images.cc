#include "apps/landscape/imageservice/bundled_images.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace cairn::imageservice {
namespace {

struct Rgb {
  std::uint8_t r, g, b;
};

void Set(Image& image, int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  std::uint8_t* p = image.Pixel(x, y);
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

Rgb Mix(Rgb a, Rgb b, double t) {
  auto mix = [t](std::uint8_t x, std::uint8_t y) {
    return static_cast<std::uint8_t>(std::lround(x + (y - x) * t));
  };
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

void VerticalGradient(Image& image, Rgb top, Rgb bottom) {
  for (int y = 0; y < image.height; ++y) {
    const Rgb c = Mix(top, bottom, static_cast<double>(y) / std::max(1, image.height - 1));
    for (int x = 0; x < image.width; ++x) Set(image, x, y, c);
  }
}

void FillRect(Image& image, int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) Set(image, x, y, c);
  }
}

void FillEllipse(Image& image, double cx, double cy, double rx, double ry, Rgb c) {
  for (int y = static_cast<int>(cy - ry); y <= static_cast<int>(cy + ry); ++y) {
    for (int x = static_cast<int>(cx - rx); x <= static_cast<int>(cx + rx); ++x) {
      const double dx = (x - cx) / rx, dy = (y - cy) / ry;
      if (dx * dx + dy * dy <= 1.0) Set(image, x, y, c);
    }
  }
}

// A star with `points` tips between radii `inner` and `outer`.
void FillStar(Image& image, double cx, double cy, double inner, double outer, int points, Rgb c) {
  std::vector<std::pair<double, double>> polygon;
  for (int i = 0; i < points * 2; ++i) {
    const double angle = std::numbers::pi * i / points - std::numbers::pi / 2;
    const double radius = i % 2 == 0 ? outer : inner;
    polygon.emplace_back(cx + radius * std::cos(angle), cy + radius * std::sin(angle));
  }
  // Scanline fill: per row, the crossings with every edge, filled pairwise (even-odd rule).
  std::vector<double> crossings;
  for (int y = static_cast<int>(cy - outer); y <= static_cast<int>(cy + outer); ++y) {
    crossings.clear();
    for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
      const auto [xi, yi] = polygon[i];
      const auto [xj, yj] = polygon[j];
      if ((yi > y) != (yj > y)) crossings.push_back((xj - xi) * (y - yi) / (yj - yi) + xi);
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
      for (int x = static_cast<int>(std::ceil(crossings[k])); x < crossings[k + 1]; ++x) {
        Set(image, x, y, c);
      }
    }
  }
}

// Block letters N, E, W of stroke `s` in a `w` x `h` cell at (x, y).
void DrawN(Image& image, int x, int y, int w, int h, int s, Rgb c) {
  FillRect(image, x, y, x + s, y + h, c);
  FillRect(image, x + w - s, y, x + w, y + h, c);
  for (int i = 0; i < h; ++i) {
    const int dx = x + (w - s) * i / h;
    FillRect(image, dx, y + i, dx + s, y + i + 1, c);
  }
}

void DrawE(Image& image, int x, int y, int w, int h, int s, Rgb c) {
  FillRect(image, x, y, x + s, y + h, c);
  FillRect(image, x, y, x + w, y + s, c);
  FillRect(image, x, y + (h - s) / 2, x + w * 4 / 5, y + (h + s) / 2, c);
  FillRect(image, x, y + h - s, x + w, y + h, c);
}

// A stroke of width `s` from (x0, y0) down to (x1, y1), y0 < y1.
void DrawStroke(Image& image, int x0, int y0, int x1, int y1, int s, Rgb c) {
  for (int y = y0; y < y1; ++y) {
    const int x = x0 + (x1 - x0) * (y - y0) / (y1 - y0);
    FillRect(image, x, y, x + s, y + 1, c);
  }
}

void DrawW(Image& image, int x, int y, int w, int h, int s, Rgb c) {
  const int bottom = y + h, middle = y + h * 2 / 5;
  DrawStroke(image, x, y, x + w / 4 - s / 2, bottom, s, c);
  DrawStroke(image, x + w / 2 - s / 2, middle, x + w / 4 - s / 2, bottom, s, c);
  DrawStroke(image, x + w / 2 - s / 2, middle, x + w * 3 / 4 - s / 2, bottom, s, c);
  DrawStroke(image, x + w - s, y, x + w * 3 / 4 - s / 2, bottom, s, c);
}

}  // namespace

Image DrawCake() {
  Image image(400, 300);
  VerticalGradient(image, {250, 214, 225}, {176, 214, 240});
  FillEllipse(image, 200, 262, 170, 26, {225, 225, 232});  // plate
  FillEllipse(image, 200, 256, 150, 20, {245, 245, 250});
  FillRect(image, 70, 150, 330, 250, {122, 72, 40});  // sponge
  FillEllipse(image, 200, 250, 130, 16, {122, 72, 40});
  FillRect(image, 70, 192, 330, 204, {246, 226, 236});     // cream layer
  FillEllipse(image, 200, 150, 130, 22, {252, 238, 244});  // frosting
  for (int i = 0; i < 9; ++i) {                            // drips
    const double x = 82 + i * 29.5;
    FillEllipse(image, x, 168 + (i % 3) * 6, 9, 12 + (i % 2) * 6, {252, 238, 244});
  }
  for (int i = 0; i < 5; ++i) {  // strawberries
    FillEllipse(image, 118 + i * 41, 146, 11, 9, {214, 34, 52});
    FillEllipse(image, 118 + i * 41, 139, 5, 3, {52, 140, 60});
  }
  FillRect(image, 194, 82, 206, 140, {90, 150, 230});  // candle
  FillRect(image, 194, 96, 206, 102, {255, 255, 255});
  FillRect(image, 194, 114, 206, 120, {255, 255, 255});
  FillEllipse(image, 200, 70, 9, 15, {255, 170, 30});  // flame
  FillEllipse(image, 200, 74, 4, 8, {255, 240, 150});
  return image;
}

Image DrawNewBadge() {
  Image image(300, 300);
  VerticalGradient(image, {40, 70, 140}, {20, 30, 70});
  FillStar(image, 150, 150, 105, 140, 16, {255, 200, 40});
  FillEllipse(image, 150, 150, 100, 100, {230, 60, 50});
  FillEllipse(image, 150, 150, 92, 92, {245, 90, 70});
  const Rgb white{255, 255, 255};
  DrawN(image, 66, 124, 46, 52, 10, white);
  DrawE(image, 124, 124, 40, 52, 10, white);
  DrawW(image, 174, 124, 62, 52, 9, white);
  return image;
}

Result<BundledImages> BundledImages::Create(int quality) {
  BundledImages images;
  const std::array<std::pair<const char*, Image>, 2> drawings = {
      std::pair<const char*, Image>{"cake.jpg", DrawCake()},
      std::pair<const char*, Image>{"new.jpg", DrawNewBadge()}};
  for (const auto& [name, image] : drawings) {
    Result<std::string> jpeg = EncodeJpeg(image, quality);
    if (!jpeg.ok()) return jpeg.status();
    images.jpegs_.emplace(name, std::move(jpeg).value());
  }
  return images;
}

const std::string* BundledImages::Find(std::string_view name) const {
  auto it = jpegs_.find(name);
  return it == jpegs_.end() ? nullptr : &it->second;
}

std::vector<std::string> BundledImages::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, jpeg] : jpegs_) names.push_back(name);
  return names;
}

}  // namespace cairn::imageservice
