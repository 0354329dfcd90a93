// Decisions about members and clusters: registration, profile updates, cluster membership,
// blocks and suspensions. Only the operator registers members, runs clusters and suspends.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/decide_internal.h"
#include "engine/inn.h"
#include "engine/validation.h"

namespace subex::internal {
namespace {

bool IsOperator(MemberId by) { return !by.valid(); }

Rejection OperatorOnly() { return Rejection::Forbidden("only the operator may do this"); }

// If-Match (the revision the caller last saw) against the object's current one.
Verdict Stale(const std::optional<int64_t>& if_match, int64_t revision) {
  if (if_match && *if_match != revision) return Rejection::StaleRevision(revision);
  return std::nullopt;
}

std::vector<ProcessId> CheckProcesses(const State& s, FieldErrors& errors,
                                      const std::vector<std::string>& codes) {
  std::vector<ProcessId> ids;
  if (codes.size() > s.taxonomy().size()) {
    errors.Add("processes", "lists more processes than the taxonomy has");
    return ids;
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    std::optional<ProcessId> p = s.taxonomy().Find(codes[i]);
    if (!p) {
      errors.Add(absl::StrCat("processes[", i, "]"), "is not a process code of the taxonomy");
      continue;
    }
    ids.push_back(*p);
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
    errors.Add("processes", "must not repeat a process");
  }
  return ids;
}

// A key hash is 64 lowercase hex digits; two keys with one hash would make one key two members.
void CheckKeyHash(const State& s, FieldErrors& errors, const std::string& hash) {
  const bool hex = hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char ch) {
                     return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
                   });
  if (!hex) {
    errors.Add("key_hash", "must be 64 lowercase hexadecimal digits");
  } else if (s.key(hash) != nullptr) {
    errors.Add("key_hash", "is already issued");
  }
}

// A trader is a customer, a supplier or both; a platform is only a platform.
void CheckRoles(FieldErrors& errors, uint8_t roles) {
  const bool trader = roles != 0 && (roles & ~(kRoleCustomer | kRoleSupplier)) == 0;
  if (!trader && roles != kRolePlatform) {
    errors.Add("roles", "must be customer, supplier or both, or platform alone");
  }
}

KeyId NextKey(const State& s) { return KeyId{static_cast<uint32_t>(s.key_list().size())}; }

}  // namespace

Verdict DecideOn(const State& s, const RegisterMember& c, Instant, Out& out) {
  if (!IsOperator(c.by)) return OperatorOnly();
  const LimitParams& limits = s.params().limits;
  FieldErrors errors;
  CheckText(errors, "name", c.name, limits.max_text_length);
  if (!IsValidInn(c.inn)) {
    errors.Add("inn", "must be 10 or 12 digits with valid check digits");
  } else if (s.member_by_inn(c.inn) != nullptr) {
    errors.Add("inn", "is already registered");
  }
  CheckRegion(errors, "region", c.region);
  CheckLocation(errors, "location", c.location);
  CheckRoles(errors, c.roles);
  std::vector<ProcessId> processes = CheckProcesses(s, errors, c.processes);
  std::vector<std::string> certs = CheckNames(errors, "certifications", c.certifications, limits);
  if (!c.key_hash.empty()) CheckKeyHash(s, errors, c.key_hash);
  if (!errors.ok()) return std::move(errors).Reject();
  const MemberId id{static_cast<uint32_t>(s.members().size())};
  MemberRegistered registered;
  static_cast<MemberProfile&>(registered) = c;
  registered.member = id;
  registered.inn = c.inn;
  registered.processes = std::move(processes);
  registered.certifications = std::move(certs);
  out.push_back(std::move(registered));
  if (!c.key_hash.empty()) {
    const KeyKind kind = c.roles == kRolePlatform ? KeyKind::kPlatform : KeyKind::kMember;
    out.push_back(KeyIssued{c.key_hash, kind, id, NextKey(s), "registration"});
  }
  return std::nullopt;
}

Verdict DecideOn(const State& s, const UpdateMember& c, Instant, Out& out) {
  const Member* m = s.member(c.member);
  if (m == nullptr || (!IsOperator(c.by) && c.by != c.member)) return Rejection::NotFound("member");
  if (c.if_match && *c.if_match != m->revision) return Rejection::StaleRevision(m->revision);
  const LimitParams& limits = s.params().limits;
  FieldErrors errors;
  MemberUpdated e;
  static_cast<MemberProfile&>(e) = *m;
  e.member = m->id;
  e.processes = m->processes;
  for (NameId n : m->certifications) e.certifications.push_back(s.names().name(n));
  std::sort(e.certifications.begin(), e.certifications.end());
  if (c.name) {
    CheckText(errors, "name", *c.name, limits.max_text_length);
    e.name = *c.name;
  }
  if (c.region) {
    CheckRegion(errors, "region", *c.region);
    e.region = *c.region;
  }
  if (c.location) {
    CheckLocation(errors, "location", *c.location);
    e.location = *c.location;
  }
  if (c.roles) {
    CheckRoles(errors, *c.roles);
    e.roles = *c.roles;
  }
  if (c.processes) e.processes = CheckProcesses(s, errors, *c.processes);
  if (c.certifications) {
    e.certifications = CheckNames(errors, "certifications", *c.certifications, limits);
  }
  if (!errors.ok()) return std::move(errors).Reject();
  out.push_back(std::move(e));
  return std::nullopt;
}

Verdict DecideOn(const State& s, const CreateCluster& c, Instant, Out& out) {
  if (!IsOperator(c.by)) return OperatorOnly();
  FieldErrors errors;
  CheckText(errors, "name", c.name, s.params().limits.max_text_length);
  CheckRegion(errors, "region", c.region);
  if (!errors.ok()) return std::move(errors).Reject();
  out.push_back(ClusterCreated{ClusterId{static_cast<uint32_t>(s.clusters().size())}, c.name,
                               c.region, c.kind});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const JoinCluster& c, Instant, Out& out) {
  if (!IsOperator(c.by)) return OperatorOnly();
  const Cluster* cluster = s.cluster(c.cluster);
  if (cluster == nullptr) return Rejection::NotFound("cluster");
  if (s.member(c.member) == nullptr) return Rejection::NotFound("member");
  if (auto r = Stale(c.if_match, cluster->revision)) return r;
  if (std::binary_search(cluster->members.begin(), cluster->members.end(), c.member)) {
    return std::nullopt;  // Already a member: nothing changes.
  }
  out.push_back(ClusterMemberAdded{c.cluster, c.member});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const LeaveCluster& c, Instant, Out& out) {
  if (!IsOperator(c.by)) return OperatorOnly();
  const Cluster* cluster = s.cluster(c.cluster);
  if (cluster == nullptr) return Rejection::NotFound("cluster");
  if (auto r = Stale(c.if_match, cluster->revision)) return r;
  if (!std::binary_search(cluster->members.begin(), cluster->members.end(), c.member)) {
    return Rejection::NotFound("cluster member");
  }
  out.push_back(ClusterMemberRemoved{c.cluster, c.member});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const BlockMember& c, Instant, Out& out) {
  const Member* m = s.member(c.by);
  if (m == nullptr) return Rejection::Forbidden("only a member may block another");
  if (s.member(c.other) == nullptr) return Rejection::NotFound("member");
  if (auto r = Stale(c.if_match, m->revision)) return r;
  if (c.other == c.by) return Rejection::Invalid({{"other", "a member cannot block itself"}});
  if (m->Blocks(c.other)) return std::nullopt;
  out.push_back(MemberBlocked{c.by, c.other});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const UnblockMember& c, Instant, Out& out) {
  const Member* m = s.member(c.by);
  if (m == nullptr) return Rejection::Forbidden("only a member may unblock another");
  if (s.member(c.other) == nullptr) return Rejection::NotFound("member");
  if (auto r = Stale(c.if_match, m->revision)) return r;
  if (!m->Blocks(c.other)) return std::nullopt;
  out.push_back(MemberUnblocked{c.by, c.other});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const SuspendMember& c, Instant now, Out& out) {
  if (!IsOperator(c.by)) return OperatorOnly();
  const Member* m = s.member(c.member);
  if (m == nullptr) return Rejection::NotFound("member");
  if (auto r = Stale(c.if_match, m->revision)) return r;
  if (c.until && *c.until < DayOf(now)) {
    return Rejection::Invalid({{"until", "must not be in the past"}});
  }
  out.push_back(MemberSuspended{c.member, c.until});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const IssueKey& c, Instant, Out& out) {
  if (!IsOperator(c.by)) return OperatorOnly();
  FieldErrors errors;
  CheckText(errors, "label", c.label, s.params().limits.max_text_length);
  CheckKeyHash(s, errors, c.key_hash);
  const Member* m = s.member(c.member);
  if (c.kind == KeyKind::kAnalyst) {
    if (c.member.valid()) errors.Add("member", "an analyst key acts for no member");
  } else if (m == nullptr) {
    errors.Add("member", "is not a member");
  } else if (m->is(kRolePlatform) != (c.kind == KeyKind::kPlatform)) {
    errors.Add("kind", m->is(kRolePlatform) ? "a platform gets platform keys"
                                            : "only a platform gets platform keys");
  }
  if (!errors.ok()) return std::move(errors).Reject();
  out.push_back(KeyIssued{c.key_hash, c.kind, c.member, NextKey(s), c.label});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const RevokeKey& c, Instant, Out& out) {
  const ApiKey* key = s.key(c.key);
  // A member may revoke its own member keys; anything else is the operator's.
  const bool own = key != nullptr && key->kind == KeyKind::kMember && key->member == c.by;
  if (key == nullptr || (!IsOperator(c.by) && !own)) return Rejection::NotFound("key");
  if (key->revoked) return Rejection::Conflict("the key is already revoked");
  out.push_back(KeyRevoked{c.key, key->member});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const AuthorizePlatform& c, Instant, Out& out) {
  const Member* m = s.member(c.by);
  const Member* p = s.member(c.platform);
  if (m == nullptr || m->is(kRolePlatform)) return Rejection::Forbidden("only a member may do this");
  if (p == nullptr || !p->is(kRolePlatform)) return Rejection::NotFound("platform");
  if (auto r = Stale(c.if_match, m->revision)) return r;
  // Authorising again changes nothing and succeeds, as blocking again does (PUT is idempotent).
  if (std::binary_search(m->platforms.begin(), m->platforms.end(), c.platform)) {
    return std::nullopt;
  }
  out.push_back(PlatformAuthorized{c.by, c.platform});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const RevokePlatform& c, Instant, Out& out) {
  const Member* m = s.member(c.by);
  if (m == nullptr) return Rejection::NotFound("member");
  if (auto r = Stale(c.if_match, m->revision)) return r;
  if (!std::binary_search(m->platforms.begin(), m->platforms.end(), c.platform)) {
    return Rejection::NotFound("platform authorisation");
  }
  out.push_back(PlatformRevoked{c.by, c.platform});
  return std::nullopt;
}

// Once, first: ids handed out under one scheme must never change to another, so a journal that
// already holds anything keeps the scheme it began with.
Verdict DecideOn(const State& s, const KeyPublicIds& c, Instant, Out& out) {
  if (!IsOperator(c.by)) return OperatorOnly();
  if (c.secret.size() != kPublicIdSecretBytes) {
    return Rejection::Invalid({{"secret", "must be 32 bytes"}});
  }
  if (!s.public_id_secret().empty()) return Rejection::Conflict("public ids are already keyed");
  if (s.last_seq() != 0) {
    return Rejection::Conflict("public ids can only be keyed before the journal's first event");
  }
  out.push_back(PublicIdsKeyed{c.secret});
  return std::nullopt;
}

}  // namespace subex::internal
