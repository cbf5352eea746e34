#include "lib/storage/testing/store_harness.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "lib/storage/testing/test_spans.h"

#ifndef CAIRN_STORAGE_SOURCE_DIR
#define CAIRN_STORAGE_SOURCE_DIR ""
#endif

namespace cairn::storage::testing {

FakeClock::FakeClock() : now_us_(kTodayUs) {}

void PrintTo(const StoreFactory& factory, std::ostream* out) {
  *out << "StoreFactory{" << factory.name << "}";
}

StoreHarness::StoreHarness(StoreFactory factory) : factory_(std::move(factory)) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/cairn-store-test-XXXXXX";
  if (char* made = ::mkdtemp(pattern.data()); made != nullptr) root_ = made;
}

StoreHarness::~StoreHarness() {
  Close();
  if (!root_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
}

Status StoreHarness::Open(const StoreOptions& options) {
  Close();
  if (root_.empty()) return Internal("cannot create a temporary directory");
  options_ = options;
  dir_ = root_ + "/store" + std::to_string(dir_count_++);
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) return Internal("cannot create " + dir_ + ": " + error.message());
  return Restart();
}

Status StoreHarness::Restart() {
  Close();
  if (dir_.empty()) return FailedPrecondition("Restart() before Open()");
  Result<std::unique_ptr<SpanStore>> opened = factory_.open(options_, clock_, dir_);
  if (!opened.ok()) return opened.status();
  if (*opened == nullptr) return Internal("the factory returned no store");
  store_ = std::move(opened).value();
  return Status::Ok();
}

void StoreHarness::Close() { store_.reset(); }

std::string SharedTestdataDir() {
  const char* source = std::getenv("CAIRN_SOURCE_DIR");
  std::filesystem::path root(source != nullptr && *source != '\0' ? source
                                                                  : CAIRN_STORAGE_SOURCE_DIR);
  if (root.empty()) return "";
  std::filesystem::path dir = root / ".." / "shared" / "testdata";
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return "";
  return dir.lexically_normal().string();
}

}  // namespace cairn::storage::testing
