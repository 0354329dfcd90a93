#include "tests/exposition.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

namespace subex::test {
namespace {

bool IsMetricName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  }
  return true;
}

// The family a sample belongs to: a histogram's _bucket, _sum and _count are its own.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

}  // namespace

double Exposition::operator()(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels) const {
  auto it = samples.find(Key(name, labels));
  return it == samples.end() ? std::nan("") : it->second;
}

std::string Exposition::Key(const std::string& name,
                            std::vector<std::pair<std::string, std::string>> labels) {
  std::sort(labels.begin(), labels.end());
  std::string key = name + "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    key += (i ? "," : "") + labels[i].first + "=\"" + labels[i].second + "\"";
  }
  return key + "}";
}

Exposition ParseExposition(const std::string& text) {
  Exposition e;
  struct Sample {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;
    double value;
  };
  std::vector<Sample> parsed;
  std::set<std::string> helped;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    const size_t end = text.find('\n', pos);
    if (end == std::string::npos) {
      e.errors.push_back("the text does not end with a newline");
      break;
    }
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const std::string rest = line.substr(7);
      const std::string name = rest.substr(0, rest.find(' '));
      if (!IsMetricName(name)) e.errors.push_back(where + "bad family name " + name);
      if (line[2] == 'H') {
        if (!helped.insert(name).second) e.errors.push_back(where + "second HELP of " + name);
        continue;
      }
      const std::string type = rest.substr(name.size() + 1);
      if (type != "counter" && type != "gauge" && type != "histogram") {
        e.errors.push_back(where + "unknown type " + type);
      }
      if (!e.types.emplace(name, type).second) e.errors.push_back(where + "second TYPE of " + name);
      continue;
    }
    if (line.empty() || line[0] == '#') {
      e.errors.push_back(where + "unexpected line " + line);
      continue;
    }
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    const std::string name = line.substr(0, i);
    std::vector<std::pair<std::string, std::string>> labels;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find("=\"", i);
        if (eq == std::string::npos) break;
        std::string label = line.substr(i, eq - i), value;
        size_t k = eq + 2;
        for (; k < line.size() && line[k] != '"'; ++k) {
          if (line[k] == '\\' && k + 1 < line.size()) {
            ++k;
            value += line[k] == 'n' ? '\n' : line[k];
          } else {
            value += line[k];
          }
        }
        labels.emplace_back(label, value);
        i = k + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) {
        e.errors.push_back(where + "unclosed labels: " + line);
        continue;
      }
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') {
      e.errors.push_back(where + "no value: " + line);
      continue;
    }
    const std::string value_text = line.substr(i + 1);
    char* parsed_end = nullptr;
    double value = std::strtod(value_text.c_str(), &parsed_end);
    if (value_text == "+Inf") value = INFINITY;
    if (value_text.empty() || (value_text != "+Inf" && *parsed_end != '\0')) {
      e.errors.push_back(where + "bad value: " + line);
      continue;
    }
    if (!IsMetricName(name)) e.errors.push_back(where + "bad metric name " + name);
    if (!e.types.contains(FamilyOf(name, e.types))) {
      e.errors.push_back(where + name + " has no TYPE before it");
    }
    if (!e.samples.emplace(Exposition::Key(name, labels), value).second) {
      e.errors.push_back(where + "repeated sample " + line);
    }
    parsed.push_back({name, std::move(labels), value});
  }
  // Histograms: cumulative buckets ending in +Inf, which equals the count.
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;  // _count key → (le, n).
  for (const auto& [name, labels, value] : parsed) {
    if (name.size() < 7 || name.compare(name.size() - 7, 7, "_bucket") != 0) continue;
    std::vector<std::pair<std::string, std::string>> others;
    double le = std::nan("");
    for (const auto& [label, v] : labels) {
      if (label == "le") {
        le = v == "+Inf" ? INFINITY : std::stod(v);
      } else {
        others.emplace_back(label, v);
      }
    }
    const std::string count = name.substr(0, name.size() - 7) + "_count";
    buckets[Exposition::Key(count, others)].emplace_back(le, value);
  }
  for (auto& [count_key, list] : buckets) {
    std::sort(list.begin(), list.end());
    for (size_t k = 1; k < list.size(); ++k) {
      if (list[k].second < list[k - 1].second) e.errors.push_back(count_key + " buckets decrease");
    }
    if (!std::isinf(list.back().first)) e.errors.push_back(count_key + " has no +Inf bucket");
    auto count = e.samples.find(count_key);
    if (count == e.samples.end() || count->second != list.back().second) {
      e.errors.push_back(count_key + " differs from its +Inf bucket");
    }
  }
  return e;
}

}  // namespace subex::test
