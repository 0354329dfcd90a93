// Routes of a contract's life (PRODUCT §2): each party's steps, POST /v1/contracts/{id}/<step>.
// The body is empty or {"reason": "…"}; the engine decides who may take which step when. Anyone
// but the contract's two parties gets 404 (api/visibility.h), before any role or state check.

#include "absl/strings/str_cat.h"
#include "api/answers.h"
#include "api/ids.h"
#include "api/requests.h"
#include "api/service.h"
#include "api/views.h"

namespace subex {

void Service::ContractStep(Call& call, ContractStepKind step) {
  std::optional<ContractId> id = ParsePublicId<ContractId>(call.params[0]);
  if (!id) return Fail(call, NotFound("contract not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Parsed<std::string> reason = ParseContractStep(call.request.body);
  if (auto* p = std::get_if<Problem>(&reason)) return Fail(call, *p);
  std::string why = std::get<std::string>(std::move(reason));
  const MemberId by = call.caller.by();
  Command command;
  switch (step) {
    case ContractStepKind::kConfirm:
      command = ::subex::ConfirmContract{by, *id, revision};
      break;
    case ContractStepKind::kDecline:
      command = ::subex::DeclineContract{by, *id, revision, std::move(why)};
      break;
    case ContractStepKind::kDeliver:
      command = ::subex::DeliverContract{by, *id, revision};
      break;
    case ContractStepKind::kAccept:
      command = ::subex::AcceptContract{by, *id, revision};
      break;
    case ContractStepKind::kDispute:
      command = ::subex::DisputeContract{by, *id, revision, std::move(why)};
      break;
    case ContractStepKind::kCancel:
      command = ::subex::CancelContract{by, *id, revision, std::move(why)};
      break;
  }
  Mutate(call, std::move(command), [id = *id](const EngineDoor::Decision&, const State& s) {
    const Contract* c = s.contract(id);
    JsonWriter w;
    WriteContract(w, s, *c);
    return ObjectAnswer(std::move(w), 200, c->revision);
  }, HiddenContract(*id, call.caller));
}

void Service::ContractConfirm(Call& call) { ContractStep(call, ContractStepKind::kConfirm); }
void Service::ContractDecline(Call& call) { ContractStep(call, ContractStepKind::kDecline); }
void Service::ContractDeliver(Call& call) { ContractStep(call, ContractStepKind::kDeliver); }
void Service::ContractAccept(Call& call) { ContractStep(call, ContractStepKind::kAccept); }
void Service::ContractDispute(Call& call) { ContractStep(call, ContractStepKind::kDispute); }
void Service::ContractCancel(Call& call) { ContractStep(call, ContractStepKind::kCancel); }

}  // namespace subex
