// Early-return helpers for absl::Status / absl::StatusOr, which abseil 20220623 does not export.
#ifndef STOWAGE_BUILDER_COMMON_STATUS_MACROS_H_
#define STOWAGE_BUILDER_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define STOWAGE_CONCAT_INNER(a, b) a##b
#define STOWAGE_CONCAT(a, b) STOWAGE_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status stowage_status_ = (expr);           \
    if (!stowage_status_.ok()) return stowage_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(STOWAGE_CONCAT(stowage_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#endif  // STOWAGE_BUILDER_COMMON_STATUS_MACROS_H_
