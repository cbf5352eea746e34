// Test support: opens a store under test the way the conformance suite and store-specific tests
// need it: over a fresh temporary directory, with a fake clock, and re-openable over the same
// directory to test persistence across restarts.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "cairn/trace/clock.h"
#include "cairn/trace/status.h"
#include "lib/storage/span_store.h"

namespace cairn::storage::testing {

// A settable clock. Starts at testing::kTodayUs. Thread-safe.
class FakeClock final : public trace::Clock {
 public:
  FakeClock();
  std::int64_t NowMicros() override { return now_us_.load(); }
  std::int64_t MonotonicNanos() override { return monotonic_ns_.load(); }
  void SetMicros(std::int64_t now_us) { now_us_.store(now_us); }
  // Moves both clocks forward.
  void AdvanceMicros(std::int64_t delta_us) {
    now_us_.fetch_add(delta_us);
    monotonic_ns_.fetch_add(delta_us * 1000);
  }

 private:
  std::atomic<std::int64_t> now_us_;
  std::atomic<std::int64_t> monotonic_ns_{1};
};

// How tests open one kind of store.
struct StoreFactory {
  // Names the instantiation in test names ("Mem" -> Mem/SpanStoreConformanceTest.X/Mem).
  std::string name;
  // Opens a store keeping its files under `dir`: an existing, empty directory for a new store,
  // the same directory again on Restart(). Stores without files ignore it. `clock` outlives
  // the store.
  std::function<Result<std::unique_ptr<SpanStore>>(const StoreOptions& options, trace::Clock& clock,
                                                   const std::string& dir)>
      open;
  // Whether accepted spans survive closing the store and opening it over the same directory
  // (enables the restart tests).
  bool persistent = false;
};

// For gtest: prints the name instead of the bytes of the struct.
void PrintTo(const StoreFactory& factory, std::ostream* out);

// Owns the temporary directories, the clock and the open store. Not thread-safe itself; the
// store it hands out is as thread-safe as SpanStore promises.
class StoreHarness {
 public:
  explicit StoreHarness(StoreFactory factory);
  ~StoreHarness();
  StoreHarness(const StoreHarness&) = delete;
  StoreHarness& operator=(const StoreHarness&) = delete;

  // Closes any open store and opens a new, empty one over a new directory.
  Status Open(const StoreOptions& options);
  // Closes the store and opens it again over the same directory with the same options.
  Status Restart();
  // Destroys the open store (its directory stays until the harness is destroyed).
  void Close();

  bool is_open() const { return store_ != nullptr; }
  SpanStore& store() { return *store_; }  // requires is_open()
  FakeClock& clock() { return clock_; }
  const std::string& dir() const { return dir_; }
  const StoreOptions& options() const { return options_; }
  const StoreFactory& factory() const { return factory_; }

 private:
  StoreFactory factory_;
  FakeClock clock_;
  StoreOptions options_;
  std::string root_;  // removed with everything under it on destruction
  std::string dir_;
  int dir_count_ = 0;
  std::unique_ptr<SpanStore> store_;
};

// $CAIRN_SOURCE_DIR/../shared/testdata (or the source directory compiled in), or "" when that
// directory does not exist; tests then GTEST_SKIP().
std::string SharedTestdataDir();

}  // namespace cairn::storage::testing
