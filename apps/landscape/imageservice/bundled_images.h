// The images GET /file/{name} serves: "cake.jpg" (the one /accounts/{id} links to) and "new.jpg",
// as in the original's testimages/ directory. They are drawn by code at start-up (a cake with a
// candle; a "NEW" badge) and encoded once, so they are ours, need no files at run time, and a
// request name is only ever looked up in this fixed set, never joined to a path.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "apps/landscape/imageservice/image_ops.h"
#include "lib/base/status.h"

namespace cairn::imageservice {

// The drawings, before encoding.
Image DrawCake();      // 400x300
Image DrawNewBadge();  // 300x300

class BundledImages {
 public:
  // Draws and encodes every image at `quality`.
  static Result<BundledImages> Create(int quality = 90);

  // The JPEG bytes of `name` ("cake.jpg"), or nullptr for any other name.
  const std::string* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::string, std::less<>> jpegs_;
};

}  // namespace cairn::imageservice
