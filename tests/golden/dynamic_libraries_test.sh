#!/usr/bin/env bash
# dynamic_libraries_test.sh STOWAGE: the tool's NEEDED entries are exactly the shared libraries
# that cannot change a byte it writes (docs/hermetic.md): the C library and its libm, the C++
# runtime (libstdc++, libgcc_s), OpenSSL's libcrypto/libssl (sha256 and TLS) and libcurl
# (transport), plus the sanitizer runtimes under --config=asan/fuzz. Everything else (zstd,
# libdeflate, zlib, brotli, libarchive, yaml-cpp, re2, abseil, ...) is linked statically from
# @stowage_tool_libs: a new dynamic dependency fails here.
set -euo pipefail
tool=$1
allowed='^(libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libcrypto\.so\.3|libssl\.so\.3|libcurl\.so\.4|ld-linux-(x86-64|aarch64)\.so\.[12]|libatomic\.so\.1|libasan\.so\.[0-9]+|libubsan\.so\.[0-9]+|libclang_rt\.[a-z_]+-(x86_64|aarch64)\.so)$'
needed=$(readelf -d "$tool" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p' | LC_ALL=C sort)
[[ -n "$needed" ]] || { echo "FAIL: readelf lists no NEEDED entry in $tool (not a dynamic executable?)"; exit 1; }
bad=$(grep -vE "$allowed" <<<"$needed" || true)
echo "NEEDED: $(tr '\n' ' ' <<<"$needed")"
if [[ -n "$bad" ]]; then
  echo "FAIL: the tool needs shared libraries outside the allowed set: $(tr '\n' ' ' <<<"$bad")"
  echo "A shared library's version is the host's, not a pinned input: link it statically from"
  echo "@stowage_tool_libs (third_party/tool_libs), or add it to the allowed set in this test and"
  echo "docs/hermetic.md with why no version of it can change an output byte."
  exit 1
fi
for required in libc.so.6 libcurl.so.4 libcrypto.so.3; do
  grep -qxF "$required" <<<"$needed" || { echo "FAIL: $required is not NEEDED: is $tool the stowage tool?"; exit 1; }
done
echo "PASS: only allowed shared libraries"
