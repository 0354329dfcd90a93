// Routes of members, clusters and the taxonomy (PRODUCT §2, §6).

#include "absl/strings/str_cat.h"
#include "api/answers.h"
#include "api/crypto.h"
#include "api/ids.h"
#include "api/json_reader.h"
#include "api/json_writer.h"
#include "api/requests.h"
#include "api/service.h"
#include "api/views.h"
#include "api/visibility.h"

namespace subex {
namespace {

// A member is visible to everyone (its public profile); the id must name one.
template <class IdT>
std::optional<IdT> PathId(const std::string& text) {
  return ParsePublicId<IdT>(text);
}

std::string MemberPath(MemberId id) { return absl::StrCat("/v1/members/", PublicId(id)); }
std::string ClusterPath(ClusterId id) { return absl::StrCat("/v1/clusters/", PublicId(id)); }

Service::Answer MemberAnswer(const State& s, MemberId id, const Caller& caller,
                             unsigned status = 200, std::string_view api_key = {}) {
  const Member* m = s.member(id);
  if (m == nullptr || !MayReadMember(*m, Viewer::Of(caller))) {
    return {.status = 404, .body = RenderProblem(NotFound("member not found")),
                            .location = {}, .revision = 0, .problem = true};
  }
  JsonWriter w;
  WriteMember(w, s, *m, caller, api_key);
  return {.status = status,
          .body = std::move(w).Take(),
          .location = status == 201 ? MemberPath(id) : std::string(),
          .revision = m->revision,
          .problem = false};
}

Service::Answer ClusterAnswer(const State& s, ClusterId id, unsigned status = 200) {
  const Cluster* c = s.cluster(id);
  if (c == nullptr) return {.status = 404, .body = RenderProblem(NotFound("cluster not found")),
                            .location = {}, .revision = 0, .problem = true};
  JsonWriter w;
  WriteCluster(w, s, *c);
  return {.status = status,
          .body = std::move(w).Take(),
          .location = status == 201 ? ClusterPath(id) : std::string(),
          .revision = c->revision,
          .problem = false};
}

bool HasProcessAtOrBelow(const Taxonomy& taxonomy, const Member& m, ProcessId node) {
  for (ProcessId p : m.processes) {
    for (ProcessId a : taxonomy.node(p).ancestors) {
      if (a == node) return true;
    }
  }
  return false;
}

}  // namespace

void Service::CreateMember(Call& call) {
  Parsed<RegisterMember> parsed = ParseRegisterMember(call.request.body);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  RegisterMember command = std::get<RegisterMember>(std::move(parsed));
  // The key is made here, shown once in this answer, and kept nowhere but as its hash: a replay
  // of this request (Idempotency-Key) answers without it.
  auto key = std::make_shared<std::string>(NewApiKey());
  command.key_hash = Sha256Hex(*key);
  Mutate(call, std::move(command),
         [key, caller = call.caller](const EngineDoor::Decision& r, const State& s) {
           const MemberRegistered* e = First<MemberRegistered>(r.events);
           Answer live = MemberAnswer(s, e->member, caller, 201, *key);
           live.replay_body = MemberAnswer(s, e->member, caller, 201).body;
           return live;
         });
}

void Service::GetMember(Call& call) {
  std::optional<MemberId> id = PathId<MemberId>(call.params[0]);
  if (!id) return Fail(call, NotFound("member not found"));
  Read(call, [id = *id, caller = call.caller](const State& s) {
    return MemberAnswer(s, id, caller);
  });
}

void Service::ListMembers(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query,
                       {"process", "region", "certification", "cluster", "cursor", "limit"})) {
    return Fail(call, *p);
  }
  std::optional<ProcessId> process;
  if (const std::string* code = q.Find("process")) {
    process = taxonomy_->Find(*code);
    if (!process) q.Add("process", "is not a process code of the taxonomy");
  }
  std::optional<ClusterId> cluster = q.Id<ClusterId>("cluster");
  std::optional<Page> page = ReadPage<MemberId>(q);
  if (!page) return Fail(call, q.problem());
  const std::string* region = q.Find("region");
  const std::string* cert = q.Find("certification");
  Read(call, [=, region = region ? *region : std::string(), cert = cert ? *cert : std::string(),
              has_region = region != nullptr, has_cert = cert != nullptr,
              caller = call.caller, page = *page, taxonomy = taxonomy_](const State& s) {
    JsonWriter items;
    items.BeginArray();
    size_t count = 0;
    std::string next;
    uint32_t last = 0;
    std::optional<NameId> cert_id;
    if (has_cert) cert_id = s.names().Find(cert);
    for (uint32_t i = page.start; i < s.members().size(); ++i) {
      const Member& m = s.members()[i];
      if (has_region && m.region != region) continue;
      if (process && !HasProcessAtOrBelow(*taxonomy, m, *process)) continue;
      if (has_cert && (!cert_id || std::find(m.certifications.begin(), m.certifications.end(),
                                             *cert_id) == m.certifications.end())) {
        continue;
      }
      if (cluster && std::find(m.clusters.begin(), m.clusters.end(), *cluster) == m.clusters.end()) {
        continue;
      }
      if (count == page.limit) {
        next = PublicId(MemberId{last});
        break;
      }
      WriteMember(items, s, m, caller);
      ++count;
      last = i;
    }
    items.EndArray();
    return Answer{.status = 200, .body = ListBody(items.str(), next), .location = {},
                  .revision = 0, .problem = false};
  });
}

void Service::PatchMember(Call& call) {
  std::optional<MemberId> id = PathId<MemberId>(call.params[0]);
  if (!id || !call.caller.ActsFor(*id)) return Fail(call, NotFound("member not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Parsed<UpdateMember> parsed = ParseUpdateMember(call.request.body, call.caller.by(), *id);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  UpdateMember command = std::get<UpdateMember>(std::move(parsed));
  command.if_match = revision;
  Mutate(call, std::move(command), [id = *id, caller = call.caller](const auto&, const State& s) {
    return MemberAnswer(s, id, caller);
  });
}

void Service::PutBlock(Call& call) {
  std::optional<MemberId> id = PathId<MemberId>(call.params[0]);
  std::optional<MemberId> other = PathId<MemberId>(call.params[1]);
  if (!id || !call.caller.ActsFor(*id)) return Fail(call, NotFound("member not found"));
  if (!other) return Fail(call, NotFound("member to block not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, BlockMember{*id, *other, revision}, [id = *id, caller = call.caller](const auto&, const State& s) {
    return MemberAnswer(s, id, caller);
  });
}

void Service::DeleteBlock(Call& call) {
  std::optional<MemberId> id = PathId<MemberId>(call.params[0]);
  std::optional<MemberId> other = PathId<MemberId>(call.params[1]);
  if (!id || !call.caller.ActsFor(*id)) return Fail(call, NotFound("member not found"));
  if (!other) return Fail(call, NotFound("blocked member not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, UnblockMember{*id, *other, revision},
         [id = *id, caller = call.caller](const auto&, const State& s) {
           return MemberAnswer(s, id, caller);
         });
}

void Service::PutSuspension(Call& call) {
  std::optional<MemberId> id = PathId<MemberId>(call.params[0]);
  if (!id) return Fail(call, NotFound("member not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  std::variant<JsonValue, Problem> parsed = ParseJsonObject(call.request.body);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  const JsonValue& root = std::get<JsonValue>(parsed);
  FieldReader r;
  std::optional<Day> until;
  if (const JsonValue* v = root.Find("until")) {
    until = r.Date(*v, "until");
  } else {
    r.Add("until", "is required");
  }
  for (const std::string& name : root.keys) {
    if (name != "until") {
      return Fail(call, BadRequest(absl::StrCat("unknown field \"", name, "\""),
                                   {{name, "unknown field"}}));
    }
  }
  if (!r.ok()) return Fail(call, Unprocessable(std::move(r).Take()));
  Mutate(call, SuspendMember{kOperator, *id, until, revision},
         [id = *id, caller = call.caller](const auto&, const State& s) {
           return MemberAnswer(s, id, caller);
         });
}

void Service::DeleteSuspension(Call& call) {
  std::optional<MemberId> id = PathId<MemberId>(call.params[0]);
  if (!id) return Fail(call, NotFound("member not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, SuspendMember{kOperator, *id, std::nullopt, revision},
         [id = *id, caller = call.caller](const auto&, const State& s) {
           return MemberAnswer(s, id, caller);
         });
}

void Service::CreateCluster(Call& call) {
  Parsed<::subex::CreateCluster> parsed = ParseCreateCluster(call.request.body);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  Mutate(call, std::get<::subex::CreateCluster>(std::move(parsed)),
         [](const EngineDoor::Decision& r, const State& s) {
           return ClusterAnswer(s, First<ClusterCreated>(r.events)->cluster, 201);
         });
}

void Service::GetCluster(Call& call) {
  std::optional<ClusterId> id = PathId<ClusterId>(call.params[0]);
  if (!id) return Fail(call, NotFound("cluster not found"));
  Read(call, [id = *id](const State& s) { return ClusterAnswer(s, id); });
}

void Service::ListClusters(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"cursor", "limit"})) return Fail(call, *p);
  std::optional<Page> page = ReadPage<ClusterId>(q);
  if (!page) return Fail(call, q.problem());
  Read(call, [page = *page](const State& s) {
    JsonWriter items;
    items.BeginArray();
    std::string next;
    size_t count = 0;
    for (uint32_t i = page.start; i < s.clusters().size(); ++i) {
      if (count == page.limit) {
        next = PublicId(ClusterId{i - 1});  // Every cluster is listed: the previous one.
        break;
      }
      WriteCluster(items, s, s.clusters()[i]);
      ++count;
    }
    items.EndArray();
    return Answer{.status = 200, .body = ListBody(items.str(), next), .location = {},
                  .revision = 0, .problem = false};
  });
}

void Service::PutClusterMember(Call& call) {
  std::optional<ClusterId> id = PathId<ClusterId>(call.params[0]);
  std::optional<MemberId> member = PathId<MemberId>(call.params[1]);
  if (!id) return Fail(call, NotFound("cluster not found"));
  if (!member) return Fail(call, NotFound("member not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, JoinCluster{kOperator, *id, *member, revision},
         [id = *id](const auto&, const State& s) { return ClusterAnswer(s, id); });
}

void Service::DeleteClusterMember(Call& call) {
  std::optional<ClusterId> id = PathId<ClusterId>(call.params[0]);
  std::optional<MemberId> member = PathId<MemberId>(call.params[1]);
  if (!id) return Fail(call, NotFound("cluster not found"));
  if (!member) return Fail(call, NotFound("member not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, LeaveCluster{kOperator, *id, *member, revision},
         [id = *id](const auto&, const State& s) { return ClusterAnswer(s, id); });
}

void Service::ListProcesses(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {})) return Fail(call, *p);
  JsonWriter w;
  WriteProcesses(w, *taxonomy_);
  call.respond({.status = 200, .content_type = "application/json; charset=utf-8",
                .body = std::move(w).Take(), .headers = {}});
}

}  // namespace subex
