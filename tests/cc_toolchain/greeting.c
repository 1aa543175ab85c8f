#include "tests/cc_toolchain/greeting.h"

#include <string.h>

const char* Greeting(void) { return strlen("hello") == 5 ? "hello" : "?"; }
