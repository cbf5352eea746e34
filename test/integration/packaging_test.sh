#!/usr/bin/env bash
# Packaging test of the tracing library (run by ctest as packaging_integration_test).
#
# 1. `cmake --install --component trace` of the build tree into a temporary prefix (the tracing
#    library's component: other components, e.g. cairn-server's, need their own targets built);
#    checks what was installed: the public headers, the three static libraries, the CMake package
#    and cairn.pc, no internal header, no path of the source or build tree. No install rule of the
#    whole build (any component) may install GTest, GMock or Google Benchmark files.
# 2. Every installed header compiles on its own against the prefix alone (so no header under lib/
#    is needed), warning-free.
# 3. test/integration/consumer is configured and built OUTSIDE the source tree with
#    find_package(cairn) and CMAKE_PREFIX_PATH=<prefix>, and run.
# 4. The same main.cc is built with `pkg-config --cflags/--libs cairn` and run.
# Uses the build's compiler and sanitizer flags. Exits non-zero with a message naming the step.
set -euo pipefail

build_dir="" source_dir="" consumer_dir="" cxx="c++" build_type="" generator="" make_program=""
flags="" pkg_config="" version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$2 ;;
    --source-dir) source_dir=$2 ;;
    --consumer-dir) consumer_dir=$2 ;;
    --cxx) cxx=$2 ;;
    --build-type) build_type=$2 ;;
    --generator) generator=$2 ;;
    --make-program) make_program=$2 ;;
    --flags) flags=$2 ;;
    --pkg-config) pkg_config=$2 ;;
    --version) version=$2 ;;
    *) echo "packaging_test: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
for required in build_dir source_dir consumer_dir version; do
  if [ -z "${!required}" ]; then
    echo "packaging_test: --${required//_/-} is required" >&2
    exit 2
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cairn-packaging.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
failures=0

timings=""
step_start=$SECONDS
# Appends "<name> <seconds>s" for the part that just ended to the summary line.
lap() {
  timings+=" $1 $((SECONDS - step_start))s"
  step_start=$SECONDS
}

fail() {
  echo "packaging_test: FAILED: $*" >&2
  failures=$((failures + 1))
}

# Runs a command quietly; on failure shows its output and stops the test.
run_step() {
  local name=$1
  shift
  local log="$tmp/$name.log"
  if ! "$@" >"$log" 2>&1; then
    echo "packaging_test: FAILED at step '$name': $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

# Consumers must find only what this test installed.
unset CMAKE_PREFIX_PATH PKG_CONFIG_LIBDIR cairn_DIR
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig

# --- 1. install --------------------------------------------------------------------------------
start=$SECONDS
run_step install cmake --install "$build_dir" --prefix "$prefix" --component trace

for lib in cairn_trace cairn_model cairn_base; do
  [ -f "$prefix/lib/lib$lib.a" ] || fail "lib/lib$lib.a not installed"
done
for f in cairnConfig.cmake cairnConfigVersion.cmake cairnTargets.cmake; do
  [ -f "$prefix/lib/cmake/cairn/$f" ] || fail "lib/cmake/cairn/$f not installed"
done
[ -f "$prefix/lib/pkgconfig/cairn.pc" ] || fail "lib/pkgconfig/cairn.pc not installed"
for header in "$source_dir"/include/cairn/trace/*.h; do
  name=${header##*/}
  [ -f "$prefix/include/cairn/trace/$name" ] || fail "include/cairn/trace/$name not installed"
done
unwanted=$(cd "$prefix" && find . -type f | grep -Ei 'gtest|gmock|benchmark' || true)
[ -z "$unwanted" ] || fail "test/benchmark files installed: $unwanted"
test_files='libgtest|libgmock|libbenchmark|include/(gtest|gmock|benchmark)|/bench_trace"'
unwanted_rules=$(find "$build_dir" -name cmake_install.cmake -print0 |
  xargs -0 grep -HiE "file\\(INSTALL .*($test_files)" || true)
[ -z "$unwanted_rules" ] || fail "install rules for test/benchmark files: $unwanted_rules"
stray_headers=$(cd "$prefix" && find . -type f \( -name '*.h' -o -name '*.hpp' \) |
  grep -v '^\./include/cairn/trace/[^/]*\.h$' || true)
[ -z "$stray_headers" ] || fail "headers outside include/cairn/trace installed: $stray_headers"
for f in "$prefix"/lib/cmake/cairn/*.cmake "$prefix/lib/pkgconfig/cairn.pc"; do
  if grep -qF -e "$(cd "$build_dir" && pwd -P)" -e "$(cd "$source_dir" && pwd -P)" "$f"; then
    fail "${f#"$prefix"/} refers to the source or build tree"
  fi
done

lap install
# --- 2. public headers stand alone -------------------------------------------------------------
# Each header is compiled as the only include of a file (twice, for the include guard), two or
# more at a time.
max_jobs=$(nproc 2>/dev/null || echo 2)
[ "$max_jobs" -ge 2 ] || max_jobs=2
for header in "$prefix"/include/cairn/trace/*.h; do
  name=${header##*/}
  printf '#include <cairn/trace/%s>\n#include <cairn/trace/%s>\n' "$name" "$name" \
    >"$tmp/header_$name.cc"
  # shellcheck disable=SC2086  # $flags is a list of compiler flags
  ("$cxx" -std=c++20 $flags -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$prefix/include" \
    "$tmp/header_$name.cc" >"$tmp/header_$name.log" 2>&1 || touch "$tmp/header_$name.failed") &
  if [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; then wait -n || true; fi
done
wait
for header in "$prefix"/include/cairn/trace/*.h; do
  name=${header##*/}
  if [ -e "$tmp/header_$name.failed" ]; then
    fail "cairn/trace/$name does not compile on its own against the install prefix"
    cat "$tmp/header_$name.log" >&2
  fi
done
if grep -hE '^#include "' "$prefix"/include/cairn/trace/*.h | grep -v '"cairn/trace/'; then
  fail "a public header includes a non-public header (listed above)"
fi

lap headers
# --- 3. find_package(cairn) consumer, built outside the source tree -----------------------------
cmake_args=(-S "$consumer_dir" -B "$tmp/cmake-consumer"
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags")
[ -n "$generator" ] && cmake_args+=(-G "$generator")
[ -n "$make_program" ] && cmake_args+=(-DCMAKE_MAKE_PROGRAM="$make_program")
[ -n "$build_type" ] && cmake_args+=(-DCMAKE_BUILD_TYPE="$build_type")
run_step cmake-configure cmake "${cmake_args[@]}"
found=$(sed -n 's/^cairn_DIR:PATH=//p' "$tmp/cmake-consumer/CMakeCache.txt")
[ "$found" = "$prefix/lib/cmake/cairn" ] || fail "find_package(cairn) used '$found', not the prefix"
run_step cmake-build cmake --build "$tmp/cmake-consumer"
run_step cmake-run "$tmp/cmake-consumer/cairn_consumer"

lap find_package
# --- 4. pkg-config consumer ----------------------------------------------------------------------
if [ -z "$pkg_config" ]; then
  fail "pkg-config not found (scripts/install-deps installs it)"
else
  modversion=$("$pkg_config" --modversion cairn) || fail "pkg-config does not find cairn"
  [ "$modversion" = "$version" ] || fail "pkg-config version '$modversion', expected $version"
  cflags=$("$pkg_config" --cflags cairn)
  libs=$("$pkg_config" --libs cairn)
  includedir=$("$pkg_config" --variable=includedir cairn)
  [ "$(cd "$includedir" && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] ||
    fail "cairn.pc includedir '$includedir' is not the prefix's include dir"
  # shellcheck disable=SC2086  # flag lists
  run_step pkg-config-build "$cxx" -std=c++20 $flags -Wall -Wextra -Wpedantic -Werror $cflags \
    "$consumer_dir/main.cc" -o "$tmp/pkg-config-consumer" $libs
  run_step pkg-config-run "$tmp/pkg-config-consumer"
fi

lap pkg-config
if [ "$failures" -ne 0 ]; then
  echo "packaging_test: $failures check(s) failed" >&2
  exit 1
fi
echo "packaging_test: OK in $((SECONDS - start))s:$timings"
