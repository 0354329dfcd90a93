// Problem — an error answer as RFC 9457 problem details (PRODUCT §6).
//
// Every error the API sends is a Problem rendered as `application/problem+json`:
//
//   {"type":"/problems/invalid-values","title":"Invalid values","status":422,
//    "detail":"the request has invalid values",
//    "errors":[{"field":"quantity","reason":"must be an integer"}]}
//
// `type` identifies the kind of problem and is what a client should switch on. It is the
// relative reference "/problems/<slug>", resolved against the API's own origin (RFC 9457 §3.1.1
// allows relative references; the slug alone is the stable part). `title` is fixed per type;
// `detail` explains this occurrence; `errors` names each bad field (JSON-path-like names such as
// "needs.max_length_mm" or "tags[2]") and is always present, empty when no field is at fault.
// It lists at most kMaxProblemErrors entries, the first ones found; when there were more, the
// detail ends by saying how many more (a body of 250,000 bad values answers a small problem).
//
//   return FromRejection(rejection);              // An engine answer: 422 / 404 / 409 / 403.
//   return BadRequest("the body is not valid JSON");
//
// Plain values and pure functions; safe for concurrent use.

#ifndef SUBEX_API_PROBLEM_H_
#define SUBEX_API_PROBLEM_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/rejection.h"

namespace subex {

struct Problem {
  int status = 500;    // The HTTP status code.
  std::string type;    // Slug of the problem type, e.g. "invalid-values".
  std::string title;   // Short, fixed per type.
  std::string detail;  // This occurrence, in words a portal can show to a person.
  std::vector<FieldError> errors;
  friend bool operator==(const Problem&, const Problem&) = default;
};

// The `type` member's prefix: a problem's type renders as kProblemTypePrefix + slug.
inline constexpr std::string_view kProblemTypePrefix = "/problems/";

// The most `errors` a rendered problem lists.
inline constexpr size_t kMaxProblemErrors = 100;

// The problem as an RFC 9457 JSON object, its `errors` cut to kMaxProblemErrors (the detail
// then ends with "; N more errors not listed").
std::string RenderProblem(const Problem& problem);

// An engine rejection: kInvalidArgument → 422, kNotFound → 404, kFailedPrecondition → 409,
// kPermissionDenied → 403, kRevisionMismatch → 412. Its message becomes the detail and its field
// errors the errors.
Problem FromRejection(const Rejection& rejection);

// The HTTP-level problems, one per status the API answers with (PRODUCT §6).
Problem BadRequest(std::string detail, std::vector<FieldError> errors = {});  // 400
Problem Unauthorized(std::string detail);                                     // 401
Problem Forbidden(std::string detail);                                        // 403
Problem NotFound(std::string detail);                                         // 404
Problem MethodNotAllowed(std::string detail);                                 // 405
Problem Conflict(std::string detail);                                         // 409
Problem PreconditionFailed(std::string detail);                               // 412
Problem PayloadTooLarge(std::string detail, std::vector<FieldError> errors = {});  // 413
Problem UnsupportedMediaType(std::string detail);                             // 415
Problem Unprocessable(std::vector<FieldError> errors,
                      std::string detail = "the request has invalid values");  // 422
Problem PreconditionRequired(std::string detail);                              // 428
Problem TooManyRequests(std::string detail);                                   // 429
Problem HeadersTooLarge(std::string detail, std::vector<FieldError> errors = {});  // 431
Problem Internal(std::string detail);                                          // 500
Problem Unavailable(std::string detail);                                       // 503

}  // namespace subex

#endif  // SUBEX_API_PROBLEM_H_
