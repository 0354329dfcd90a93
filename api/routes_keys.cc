// Routes of API keys and platform authorisations (PRODUCT §6): the operator issues and revokes
// keys; a member authorises a platform to act for it, and withdraws that.

#include "absl/strings/str_cat.h"
#include "api/crypto.h"
#include "api/ids.h"
#include "api/json_reader.h"
#include "api/json_writer.h"
#include "api/service.h"
#include "api/views.h"

namespace subex {
namespace {

constexpr KeyKind kKeyKinds[] = {KeyKind::kMember, KeyKind::kPlatform, KeyKind::kAnalyst};

Service::Answer KeyAnswer(const State& s, KeyId id, unsigned status = 200,
                          std::string_view api_key = {}) {
  const ApiKey* key = s.key(id);
  if (key == nullptr) {
    return {.status = 404, .body = RenderProblem(NotFound("key not found")), .location = {},
            .revision = 0, .problem = true};
  }
  JsonWriter w;
  WriteKey(w, *key, api_key);
  return {.status = status,
          .body = std::move(w).Take(),
          .location = status == 201 ? absl::StrCat("/v1/keys/", PublicId(id)) : std::string(),
          .revision = 0,
          .problem = false};
}

// POST /v1/keys: {"kind": "member" | "platform" | "analyst", "member": "m_…", "label": "…"}.
std::variant<::subex::IssueKey, Problem> ParseIssueKey(std::string_view body) {
  std::variant<JsonValue, Problem> parsed = ParseJsonObject(body);
  if (auto* p = std::get_if<Problem>(&parsed)) return std::move(*p);
  const JsonValue& root = std::get<JsonValue>(parsed);
  for (const std::string& name : root.keys) {
    if (name != "kind" && name != "member" && name != "label") {
      return BadRequest(absl::StrCat("unknown field \"", name, "\""), {{name, "unknown field"}});
    }
  }
  FieldReader r;
  ::subex::IssueKey c;
  if (const JsonValue* kind = root.Find("kind")) {
    if (std::optional<size_t> k = r.Enum(*kind, "kind", std::vector<std::string_view>{"member", "platform", "analyst"})) {
      c.kind = kKeyKinds[*k];
    }
  } else {
    r.Add("kind", "is required");
  }
  if (const JsonValue* member = root.Find("member")) {
    if (std::optional<std::string> text = r.String(*member, "member")) {
      if (std::optional<MemberId> id = ParsePublicId<MemberId>(*text)) {
        c.member = *id;
      } else {
        r.Add("member", "is not a member id");
      }
    }
  }
  if (const JsonValue* label = root.Find("label")) {
    if (std::optional<std::string> text = r.String(*label, "label")) c.label = *text;
  } else {
    r.Add("label", "is required");
  }
  if (!r.ok()) return Unprocessable(std::move(r).Take());
  return c;
}

}  // namespace

void Service::IssueKey(Call& call) {
  std::variant<::subex::IssueKey, Problem> parsed = ParseIssueKey(call.request.body);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  ::subex::IssueKey command = std::get<::subex::IssueKey>(std::move(parsed));
  auto key = std::make_shared<std::string>(NewApiKey());
  command.key_hash = Sha256Hex(*key);
  Mutate(call, std::move(command), [key](const EngineDoor::Decision& r, const State& s) {
    for (const Event& e : r.events) {
      if (const auto* issued = std::get_if<KeyIssued>(&e.body)) {
        Answer live = KeyAnswer(s, issued->key, 201, *key);
        live.replay_body = KeyAnswer(s, issued->key, 201).body;
        return live;
      }
    }
    return KeyAnswer(s, KeyId{}, 201);
  });
}

void Service::ListKeys(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"cursor", "limit"})) return Fail(call, *p);
  std::optional<Page> page = ReadPage<KeyId>(q);
  if (!page) return Fail(call, q.problem());
  Read(call, [page = *page](const State& s) {
    JsonWriter items;
    items.BeginArray();
    std::string next;
    const std::vector<ApiKey>& keys = s.key_list();
    for (size_t i = page.start; i < keys.size(); ++i) {
      if (i - page.start == page.limit) {
        next = PublicId(KeyId{static_cast<uint32_t>(i - 1)});
        break;
      }
      WriteKey(items, keys[i]);
    }
    items.EndArray();
    return Answer{.status = 200, .body = ListBody(items.str(), next), .location = {},
                  .revision = 0, .problem = false};
  });
}

void Service::GetKey(Call& call) {
  std::optional<KeyId> id = ParsePublicId<KeyId>(call.params[0]);
  if (!id) return Fail(call, NotFound("key not found"));
  Read(call, [id = *id](const State& s) { return KeyAnswer(s, id); });
}

void Service::RevokeKey(Call& call) {
  std::optional<KeyId> id = ParsePublicId<KeyId>(call.params[0]);
  if (!id) return Fail(call, NotFound("key not found"));
  Mutate(call, ::subex::RevokeKey{call.caller.by(), *id},
         [id = *id](const auto&, const State& s) { return KeyAnswer(s, id); });
}

void Service::PutPlatform(Call& call) { ChangePlatform(call, /*authorize=*/true); }

void Service::DeletePlatform(Call& call) { ChangePlatform(call, /*authorize=*/false); }

void Service::ChangePlatform(Call& call, bool authorize) {
  std::optional<MemberId> id = ParsePublicId<MemberId>(call.params[0]);
  std::optional<MemberId> platform = ParsePublicId<MemberId>(call.params[1]);
  if (!id || !call.caller.ActsFor(*id)) return Fail(call, NotFound("member not found"));
  if (!platform) return Fail(call, NotFound("platform not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Command command = authorize ? Command(AuthorizePlatform{*id, *platform, revision})
                              : Command(RevokePlatform{*id, *platform, revision});
  Mutate(call, std::move(command),
         [id = *id, caller = call.caller](const auto&, const State& s) -> Answer {
           JsonWriter w;
           WriteMember(w, s, *s.member(id), caller);
           return {.status = 200, .body = std::move(w).Take(), .location = {},
                   .revision = s.member(id)->revision, .problem = false};
         });
}

}  // namespace subex
