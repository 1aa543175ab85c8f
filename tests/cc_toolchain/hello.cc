// Uses headers of the C++ library (libstdc++-12-dev), the C library (libc6-dev) and the kernel
// (linux-libc-dev), so the build's dependency output shows where each one came from.
#include <linux/limits.h>
#include <stdio.h>

#include <iostream>
#include <map>
#include <string>

#include "tests/cc_toolchain/greeting.h"

int main() {
  std::map<std::string, int> counts{{Greeting(), PATH_MAX}};
  for (const auto& [word, n] : counts) std::cout << word << " " << n << "\n";
  std::printf("gcc %d.%d\n", __GNUC__, __GNUC_MINOR__);
  return 0;
}
