/* An LD_PRELOAD resolver for stowage's e2e tests: the names in $STOWAGE_TEST_LOOPBACK_NAMES
 * (comma-separated, e.g. "other.example,evil.test") resolve to 127.0.0.1, so a hostile
 * registry on loopback can pose as "another host". Every other name fails (EAI_NONAME) unless
 * it is "localhost" or a numeric address: a test can never reach a real outside address.
 *
 *   cc -shared -fPIC -o resolve_shim.so resolve_shim.c -ldl
 *   LD_PRELOAD=$PWD/resolve_shim.so STOWAGE_TEST_LOOPBACK_NAMES=other.example stowage ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef int (*getaddrinfo_fn)(const char*, const char*, const struct addrinfo*,
                              struct addrinfo**);

static getaddrinfo_fn real_getaddrinfo(void) {
  static getaddrinfo_fn fn = NULL;
  if (fn == NULL) fn = (getaddrinfo_fn)dlsym(RTLD_NEXT, "getaddrinfo");
  return fn;
}

static int listed(const char* node) {
  const char* names = getenv("STOWAGE_TEST_LOOPBACK_NAMES");
  if (names == NULL || node == NULL) return 0;
  size_t len = strlen(node);
  const char* p = names;
  while (*p != '\0') {
    const char* comma = strchr(p, ',');
    size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
    if (n == len && strncasecmp(p, node, n) == 0) return 1;
    if (comma == NULL) break;
    p = comma + 1;
  }
  return 0;
}

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                struct addrinfo** res) {
  getaddrinfo_fn real = real_getaddrinfo();
  if (real == NULL) return EAI_FAIL;
  if (node == NULL || strcasecmp(node, "localhost") == 0) {
    return real(node, service, hints, res);
  }
  if (listed(node)) {
    struct addrinfo h;
    memset(&h, 0, sizeof(h));
    if (hints != NULL) h = *hints;
    h.ai_family = AF_INET;
    h.ai_flags |= AI_NUMERICHOST;
    return real("127.0.0.1", service, &h, res);
  }
  /* Numeric addresses pass; names that are not listed never reach a real resolver. */
  struct addrinfo numeric;
  memset(&numeric, 0, sizeof(numeric));
  if (hints != NULL) numeric = *hints;
  numeric.ai_flags |= AI_NUMERICHOST;
  return real(node, service, &numeric, res);
}
