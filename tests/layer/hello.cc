// A tiny binary whose layer entry must keep its executable bit.
#include <cstdio>

int main() {
  std::puts("hello from a layer");
  return 0;
}
