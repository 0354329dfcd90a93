// Rejection — why a command changed nothing.
//
// `Decide` answers every command either with events or with one Rejection. It carries a code the
// API maps to an HTTP status (PRODUCT §6) and, for bad input, one `FieldError` per bad field, in
// words a portal can show to a person:
//
//   Rejection r = Rejection::Invalid({{"quantity", "must be a positive integer"}});
//
// Plain value; safe for concurrent use as a value.

#ifndef SUBEX_ENGINE_REJECTION_H_
#define SUBEX_ENGINE_REJECTION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace subex {

enum class RejectCode : uint8_t {
  kInvalidArgument,     // Well-formed input with invalid values (422).
  kNotFound,            // No such object, or not the caller's (404).
  kFailedPrecondition,  // The object's state does not allow it (409).
  kPermissionDenied,    // The caller may not do this at all (403).
  kRevisionMismatch,    // The object changed since the revision the caller named (412).
};

struct FieldError {
  std::string field;   // JSON path of the field, e.g. "needs.max_length_mm".
  std::string reason;  // What is wrong with it.
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

struct Rejection {
  RejectCode code = RejectCode::kInvalidArgument;
  std::string message;
  std::vector<FieldError> errors;

  static Rejection Invalid(std::vector<FieldError> errors) {
    return {RejectCode::kInvalidArgument, "the request has invalid values", std::move(errors)};
  }
  static Rejection NotFound(std::string what) {
    return {RejectCode::kNotFound, std::move(what) + " not found", {}};
  }
  static Rejection Conflict(std::string message) {
    return {RejectCode::kFailedPrecondition, std::move(message), {}};
  }
  static Rejection StaleRevision(int64_t current) {
    return {RejectCode::kRevisionMismatch,
            "the object has changed: its revision is now " + std::to_string(current), {}};
  }
  static Rejection Forbidden(std::string message) {
    return {RejectCode::kPermissionDenied, std::move(message), {}};
  }
};

const char* ToString(RejectCode code);

}  // namespace subex

#endif  // SUBEX_ENGINE_REJECTION_H_
