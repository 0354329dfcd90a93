// Status macros — early return on error for absl::Status and absl::StatusOr.
//
// Abseil 20220623 has no ABSL_RETURN_IF_ERROR / ABSL_ASSIGN_OR_RETURN, so the project defines
// the two here, once:
//
//   SUBEX_RETURN_IF_ERROR(WriteBatch(batch));
//   SUBEX_ASSIGN_OR_RETURN(Taxonomy taxonomy, LoadTaxonomy(path));

#ifndef SUBEX_ENGINE_STATUS_MACROS_H_
#define SUBEX_ENGINE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SUBEX_RETURN_IF_ERROR(expr)                \
  do {                                             \
    if (absl::Status subex_status_ = (expr);       \
        !subex_status_.ok()) {                     \
      return subex_status_;                        \
    }                                              \
  } while (0)

#define SUBEX_CONCAT_INNER_(a, b) a##b
#define SUBEX_CONCAT_(a, b) SUBEX_CONCAT_INNER_(a, b)

#define SUBEX_ASSIGN_OR_RETURN(lhs, expr) \
  SUBEX_ASSIGN_OR_RETURN_IMPL_(SUBEX_CONCAT_(subex_statusor_, __LINE__), lhs, expr)

#define SUBEX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#endif  // SUBEX_ENGINE_STATUS_MACROS_H_
