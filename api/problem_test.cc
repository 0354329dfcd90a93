#include "api/problem.h"

#include <set>

#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(ProblemTest, RendersRfc9457MembersWithEachFieldError) {
  Problem p = Unprocessable({{"quantity", "must be an integer"}, {"tags[2]", "must be a string"}});
  EXPECT_EQ(RenderProblem(p),
            R"({"type":"/problems/invalid-values","title":"Invalid values","status":422,)"
            R"("detail":"the request has invalid values","errors":[)"
            R"({"field":"quantity","reason":"must be an integer"},)"
            R"({"field":"tags[2]","reason":"must be a string"}]})");
}

TEST(ProblemTest, ErrorsArePresentEvenWhenEmpty) {
  EXPECT_EQ(RenderProblem(NotFound("order not found")),
            R"({"type":"/problems/not-found","title":"Not found","status":404,)"
            R"("detail":"order not found","errors":[]})");
}

TEST(ProblemTest, ErrorsAreCutToTheFirstHundredAndTheDetailCountsTheRest) {
  std::vector<FieldError> errors;
  for (int i = 0; i < 250'000; ++i) {
    errors.push_back({"roles[" + std::to_string(i) + "]", "must be customer or supplier"});
  }
  const std::string body = RenderProblem(Unprocessable(errors));
  EXPECT_NE(
      body.find(R"("detail":"the request has invalid values; 249900 more errors not listed")"),
      std::string::npos)
      << body.substr(0, 300);
  EXPECT_NE(body.find(R"("field":"roles[99]")"), std::string::npos);
  EXPECT_EQ(body.find(R"("field":"roles[100]")"), std::string::npos);
  EXPECT_LT(body.size(), 8'000u);

  errors.resize(101);
  EXPECT_NE(RenderProblem(Unprocessable(errors)).find("; 1 more error not listed\""),
            std::string::npos);
  errors.resize(100);
  EXPECT_NE(
      RenderProblem(Unprocessable(errors)).find(R"("detail":"the request has invalid values")"),
      std::string::npos);
}

TEST(ProblemTest, DetailAndFieldNamesAreEscaped) {
  Problem p = BadRequest("bad \"x\"", {{"a\nb", "unknown field"}});
  EXPECT_NE(RenderProblem(p).find(R"("detail":"bad \"x\"")"), std::string::npos);
  EXPECT_NE(RenderProblem(p).find(R"("field":"a\u000ab")"), std::string::npos);
}

TEST(ProblemTest, RejectionCodesMapToTheirStatuses) {
  Problem invalid = FromRejection(Rejection::Invalid({{"title", "must not be empty"}}));
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(invalid.type, "invalid-values");
  EXPECT_EQ(invalid.errors, (std::vector<FieldError>{{"title", "must not be empty"}}));
  EXPECT_EQ(FromRejection(Rejection::NotFound("order")).status, 404);
  EXPECT_EQ(FromRejection(Rejection::NotFound("order")).detail, "order not found");
  EXPECT_EQ(FromRejection(Rejection::Conflict("the order is cancelled")).status, 409);
  EXPECT_EQ(FromRejection(Rejection::Forbidden("operator only")).status, 403);
  EXPECT_EQ(FromRejection(Rejection::StaleRevision(4)).status, 412);
}

TEST(ProblemTest, EachHttpProblemHasItsStatusAndOwnType) {
  std::vector<Problem> all = {BadRequest("x"),
                              Unauthorized("x"),
                              Forbidden("x"),
                              NotFound("x"),
                              MethodNotAllowed("x"),
                              Conflict("x"),
                              PreconditionFailed("x"),
                              PayloadTooLarge("x"),
                              UnsupportedMediaType("x"),
                              Unprocessable({}),
                              PreconditionRequired("x"),
                              TooManyRequests("x"),
                              HeadersTooLarge("x"),
                              Internal("x"),
                              Unavailable("x")};
  std::vector<int> statuses;
  std::set<std::string> types;
  for (const Problem& p : all) {
    statuses.push_back(p.status);
    types.insert(p.type);
    EXPECT_FALSE(p.title.empty()) << p.status;
  }
  EXPECT_EQ(statuses, (std::vector<int>{400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429,
                                        431, 500, 503}));
  EXPECT_EQ(types.size(), all.size());
}

}  // namespace
}  // namespace subex
