#ifndef STOWAGE_TESTS_CC_TOOLCHAIN_GREETING_H_
#define STOWAGE_TESTS_CC_TOOLCHAIN_GREETING_H_

// A C function in its own C file: the toolchain compiles C as well as C++.
#ifdef __cplusplus
extern "C" {
#endif
const char* Greeting(void);
#ifdef __cplusplus
}
#endif

#endif  // STOWAGE_TESTS_CC_TOOLCHAIN_GREETING_H_
