// Taxonomy — the tree of process codes (PRODUCT §2).
//
// Codes are dotted paths (`machining.milling.cnc_5axis`). Each top-level branch has a unit
// (`machine_hour`, `kg`, `piece`) and a transport tariff in RUB per unit per km that its whole
// subtree shares. An order for a node is served by capacity at that node or below it, so the
// taxonomy precomputes, for every node, its subtree and its chain of ancestors.
//
//   absl::StatusOr<Taxonomy> t = Taxonomy::Create({{"machining", "Machining", "machine_hour", 0.12},
//                                                  {"machining.milling", "Milling"}});
//   ProcessId milling = *t->Find("machining.milling");
//
// Immutable after Create; safe for concurrent reads.

#ifndef SUBEX_ENGINE_TAXONOMY_H_
#define SUBEX_ENGINE_TAXONOMY_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/units.h"

namespace subex {

struct ProcessSpec {
  std::string code;
  std::string name;
  std::string unit;             // Top-level branches only; children inherit it.
  double tariff_rub_per_unit_km = -1;  // Top-level branches only; children inherit it.
};

struct ProcessNode {
  std::string code;
  std::string name;
  std::string unit;
  double tariff_kopecks_per_unit_km = 0;
  ProcessId parent;
  int depth = 0;                      // 0 for a top-level branch.
  std::vector<ProcessId> subtree;     // This node and every node below it.
  std::vector<ProcessId> ancestors;   // This node, its parent, ... up to the branch.
};

class Taxonomy {
 public:
  // Validates the specs: well-formed unique codes, every parent listed, unit and a non-negative
  // tariff on every top-level branch (and on no other node).
  static absl::StatusOr<Taxonomy> Create(std::vector<ProcessSpec> specs);

  std::optional<ProcessId> Find(std::string_view code) const;
  const ProcessNode& node(ProcessId id) const { return nodes_[id.value]; }
  size_t size() const { return nodes_.size(); }
  std::span<const ProcessNode> nodes() const { return nodes_; }

  // True when capacity at `offered` can serve demand at `wanted` (at or below it).
  bool Serves(ProcessId offered, ProcessId wanted) const;

 private:
  std::vector<ProcessNode> nodes_;
  absl::flat_hash_map<std::string, ProcessId> by_code_;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_TAXONOMY_H_
