#include "engine/taxonomy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace subex {
namespace {

bool IsValidCode(std::string_view code) {
  if (code.empty() || code.size() > 128) return false;
  bool segment_start = true;
  for (char c : code) {
    if (c == '.') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
    segment_start = false;
  }
  return !segment_start;
}

}  // namespace

absl::StatusOr<Taxonomy> Taxonomy::Create(std::vector<ProcessSpec> specs) {
  // Parents before children, so each node can inherit from an already built parent.
  std::sort(specs.begin(), specs.end(), [](const ProcessSpec& a, const ProcessSpec& b) {
    return a.code < b.code;
  });
  Taxonomy t;
  for (ProcessSpec& spec : specs) {
    if (!IsValidCode(spec.code)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "process code '", spec.code, "' is not a dotted path of [a-z0-9_] segments"));
    }
    if (t.by_code_.contains(spec.code)) {
      return absl::InvalidArgumentError(absl::StrCat("process code '", spec.code, "' repeats"));
    }
    ProcessNode node;
    node.code = spec.code;
    node.name = spec.name.empty() ? spec.code : spec.name;
    size_t dot = spec.code.rfind('.');
    if (dot == std::string::npos) {
      if (spec.unit.empty() || spec.tariff_rub_per_unit_km < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "top-level process '", spec.code, "' needs a unit and a non-negative tariff"));
      }
      node.unit = spec.unit;
      node.tariff_kopecks_per_unit_km = spec.tariff_rub_per_unit_km * 100.0;
    } else {
      auto parent = t.by_code_.find(spec.code.substr(0, dot));
      if (parent == t.by_code_.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("process '", spec.code, "' has no parent '", spec.code.substr(0, dot),
                         "' in the taxonomy"));
      }
      if (!spec.unit.empty() || spec.tariff_rub_per_unit_km >= 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "process '", spec.code, "' inherits its unit and tariff from its branch"));
      }
      const ProcessNode& p = t.nodes_[parent->second.value];
      node.parent = parent->second;
      node.depth = p.depth + 1;
      node.unit = p.unit;
      node.tariff_kopecks_per_unit_km = p.tariff_kopecks_per_unit_km;
    }
    ProcessId id{static_cast<uint32_t>(t.nodes_.size())};
    t.by_code_.emplace(node.code, id);
    t.nodes_.push_back(std::move(node));
  }
  for (uint32_t i = 0; i < t.nodes_.size(); ++i) {
    ProcessId id{i};
    for (ProcessId a = id; a.valid(); a = t.nodes_[a.value].parent) {
      t.nodes_[i].ancestors.push_back(a);
      t.nodes_[a.value].subtree.push_back(id);
    }
  }
  return t;
}

std::optional<ProcessId> Taxonomy::Find(std::string_view code) const {
  auto it = by_code_.find(absl::string_view(code.data(), code.size()));
  if (it == by_code_.end()) return std::nullopt;
  return it->second;
}

bool Taxonomy::Serves(ProcessId offered, ProcessId wanted) const {
  for (ProcessId a : nodes_[offered.value].ancestors) {
    if (a == wanted) return true;
  }
  return false;
}

}  // namespace subex
