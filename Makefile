# cairn's entry points. Every target installs missing Debian packages first, so a fresh machine
# needs nothing by hand. BUILD_DIR/PRESET select the build; JOBS defaults to the core count.
BUILD_DIR ?= build
# Check: -O1 with assertions and no debug info, the quickest build to compile and run the suite
# with (CMakeLists.txt defines it). Benchmarks use Release in build-release.
BUILD_TYPE ?= Check
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# Let clones in other directories share the compiler cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps configure build test test-unit test-sanitize bench-trace demo clean format

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test: unit, integration and packaging, through ctest.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

# Unit and integration tests under ASan+UBSan, then the concurrent parts under TSan.
test-sanitize: deps
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCAIRN_SANITIZE=ON -DCAIRN_BUILD_BENCHMARKS=OFF >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ctest --output-on-failure -j $(JOBS)
	@cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCAIRN_TSAN=ON -DCAIRN_BUILD_BENCHMARKS=OFF >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	@cd build-tsan && ctest --output-on-failure -j $(JOBS) -L concurrent

bench-trace: BUILD_TYPE = Release
bench-trace: BUILD_DIR = build-release
bench-trace: build
	@$(BUILD_DIR)/bench/trace/bench_trace

# The whole landscape (spec landscape.md) on this machine, until Ctrl-C (scripts/landscape).
demo: build
	@scripts/landscape --build-dir $(BUILD_DIR)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-release build-asan build-tsan

# Ingest, query and overload figures of cairn-server (scripts/bench-ingest, docs/benchmarks.md).
.PHONY: bench-ingest demo-check
bench-ingest: BUILD_TYPE = Release
bench-ingest: BUILD_DIR = build-release
bench-ingest: build
	@scripts/bench-ingest --build-dir $(BUILD_DIR)

# The landscape, non-interactively: start, send requests through the edge, verify the answers and
# the traces against the spec's table, stop. The exit status says whether it held.
demo-check: build
	@scripts/landscape --check --build-dir $(BUILD_DIR)

# The landscape's idle memory and tracing overhead (scripts/bench-landscape, docs/benchmarks.md).
.PHONY: bench-landscape
bench-landscape: BUILD_TYPE = Release
bench-landscape: BUILD_DIR = build-release
bench-landscape: build
	@scripts/bench-landscape --build-dir $(BUILD_DIR)

# cairn-edge against nginx and HAProxy on loopback (scripts/bench-edge, docs/benchmarks.md).
.PHONY: bench-edge
bench-edge: BUILD_TYPE = Release
bench-edge: BUILD_DIR = build-release
bench-edge: build
	@scripts/bench-edge --build-dir $(BUILD_DIR)

# The web UI's tests alone: Vitest unit tests and the browser tests against a real cairn-server
# (ui/, docs/ui.md; screenshots in $(BUILD_DIR)/ui/screenshots).
.PHONY: test-ui
test-ui: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L '^ui$$'
