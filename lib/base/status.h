// cairn::Status / cairn::Result (defined in the public header so the tracing library can return
// them) plus the helper macros internal code uses.
#pragma once

#include "cairn/trace/status.h"

#define CAIRN_CONCAT_INNER(a, b) a##b
#define CAIRN_CONCAT(a, b) CAIRN_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define CAIRN_RETURN_IF_ERROR(expr)             \
  do {                                          \
    ::cairn::Status cairn_status_ = (expr);     \
    if (!cairn_status_.ok()) return cairn_status_; \
  } while (0)

// Declares `lhs` from a Result expression, returning its status on error.
#define CAIRN_ASSIGN_OR_RETURN(lhs, expr) \
  CAIRN_ASSIGN_OR_RETURN_IMPL(CAIRN_CONCAT(cairn_result_, __LINE__), lhs, expr)
#define CAIRN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
