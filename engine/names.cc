#include "engine/names.h"

namespace subex {

NameId NameTable::Intern(std::string_view name) {
  absl::string_view key(name.data(), name.size());
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  NameId id = static_cast<NameId>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

std::optional<NameId> NameTable::Find(std::string_view name) const {
  auto it = ids_.find(absl::string_view(name.data(), name.size()));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace subex
