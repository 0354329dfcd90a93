// NameTable — interns the short names that recur across members, offers and orders
// (certifications, tags, limit names), so that eligibility compares sorted integer lists.
//
// Ids are assigned in first-use order by `Intern`, which only `State::Apply` calls; replaying the
// same events therefore assigns the same ids. `Find` never assigns: a name nobody has used yet
// has no id, and an order that requires it can match nothing.
//
// Requires external synchronization.

#ifndef SUBEX_ENGINE_NAMES_H_
#define SUBEX_ENGINE_NAMES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/units.h"

namespace subex {

class NameTable {
 public:
  NameId Intern(std::string_view name);
  std::optional<NameId> Find(std::string_view name) const;
  const std::string& name(NameId id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, NameId> ids_;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_NAMES_H_
