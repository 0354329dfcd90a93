#include "api/problem.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/json_writer.h"

namespace subex {
namespace {

Problem Make(int status, std::string_view slug, std::string_view title, std::string detail,
             std::vector<FieldError> errors = {}) {
  return Problem{status, std::string(slug), std::string(title), std::move(detail),
                 std::move(errors)};
}

}  // namespace

std::string RenderProblem(const Problem& p) {
  const size_t listed = std::min(p.errors.size(), kMaxProblemErrors);
  std::string detail = p.detail;
  if (listed < p.errors.size()) {
    const size_t more = p.errors.size() - listed;
    absl::StrAppend(&detail, "; ", more, more == 1 ? " more error" : " more errors", " not listed");
  }
  JsonWriter w;
  w.BeginObject()
      .KeyString("type", std::string(kProblemTypePrefix) + p.type)
      .KeyString("title", p.title)
      .KeyInt("status", p.status)
      .KeyString("detail", detail)
      .Key("errors")
      .BeginArray();
  for (size_t i = 0; i < listed; ++i) {
    const FieldError& e = p.errors[i];
    w.BeginObject().KeyString("field", e.field).KeyString("reason", e.reason).EndObject();
  }
  w.EndArray().EndObject();
  return std::move(w).Take();
}

Problem FromRejection(const Rejection& r) {
  switch (r.code) {
    case RejectCode::kInvalidArgument:
      return Unprocessable(r.errors, r.message);
    case RejectCode::kNotFound:
      return Make(404, "not-found", "Not found", r.message, r.errors);
    case RejectCode::kFailedPrecondition:
      return Make(409, "conflict", "Conflict with the current state", r.message, r.errors);
    case RejectCode::kPermissionDenied:
      return Make(403, "forbidden", "Forbidden", r.message, r.errors);
    case RejectCode::kRevisionMismatch:
      return Make(412, "precondition-failed", "Revision does not match", r.message, r.errors);
  }
  return Internal("unknown rejection code");
}

Problem BadRequest(std::string detail, std::vector<FieldError> errors) {
  return Make(400, "bad-request", "Malformed request", std::move(detail), std::move(errors));
}
Problem Unauthorized(std::string detail) {
  return Make(401, "unauthorized", "Missing or invalid API key", std::move(detail));
}
Problem Forbidden(std::string detail) {
  return Make(403, "forbidden", "Forbidden", std::move(detail));
}
Problem NotFound(std::string detail) {
  return Make(404, "not-found", "Not found", std::move(detail));
}
Problem MethodNotAllowed(std::string detail) {
  return Make(405, "method-not-allowed", "Method not allowed", std::move(detail));
}
Problem Conflict(std::string detail) {
  return Make(409, "conflict", "Conflict with the current state", std::move(detail));
}
Problem PreconditionFailed(std::string detail) {
  return Make(412, "precondition-failed", "Revision does not match", std::move(detail));
}
Problem PayloadTooLarge(std::string detail, std::vector<FieldError> errors) {
  return Make(413, "payload-too-large", "Request body too large", std::move(detail),
              std::move(errors));
}
Problem UnsupportedMediaType(std::string detail) {
  return Make(415, "unsupported-media-type", "Unsupported media type", std::move(detail));
}
Problem Unprocessable(std::vector<FieldError> errors, std::string detail) {
  return Make(422, "invalid-values", "Invalid values", std::move(detail), std::move(errors));
}
Problem PreconditionRequired(std::string detail) {
  return Make(428, "precondition-required", "If-Match required", std::move(detail));
}
Problem TooManyRequests(std::string detail) {
  return Make(429, "too-many-requests", "Too many requests", std::move(detail));
}
Problem HeadersTooLarge(std::string detail, std::vector<FieldError> errors) {
  return Make(431, "headers-too-large", "Request headers too large", std::move(detail),
              std::move(errors));
}
Problem Internal(std::string detail) {
  return Make(500, "internal", "Internal error", std::move(detail));
}
Problem Unavailable(std::string detail) {
  return Make(503, "unavailable", "Service unavailable", std::move(detail));
}

}  // namespace subex
