// Exposition — a reader of the Prometheus text format (0.0.4) for end-to-end tests: every sample
// by its name and labels, and what is wrong with the text — a sample before its family's TYPE, a
// bad name or value, a repeated series, histogram buckets that decrease or whose +Inf bucket is
// not the count.
//
//   Exposition m = ParseExposition(body);
//   EXPECT_THAT(m.errors, IsEmpty());
//   EXPECT_EQ(m("subex_http_requests_total", {{"route", "/healthz"}, ...}), 2);
//
// Plain values; not safe for concurrent mutation.

#ifndef SUBEX_TESTS_EXPOSITION_H_
#define SUBEX_TESTS_EXPOSITION_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace subex::test {

struct Exposition {
  std::map<std::string, std::string> types;  // Family → type.
  std::map<std::string, double> samples;     // By Key(name, labels).
  std::vector<std::string> errors;

  // The sample's value; NaN when absent.
  double operator()(const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& labels = {}) const;

  // `name{a="1",b="2"}`, the labels sorted.
  static std::string Key(const std::string& name,
                         std::vector<std::pair<std::string, std::string>> labels);
};

Exposition ParseExposition(const std::string& text);

}  // namespace subex::test

#endif  // SUBEX_TESTS_EXPOSITION_H_
