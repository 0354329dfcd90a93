// The per-command halves of Decide, split by subject: decide_members.cc (members, clusters,
// blocks, suspensions), decide_trade.cc (offers, orders, time) and decide_contracts.cc (the
// contract's steps and the lapse of unconfirmed ones). Internal to the engine.
// blocks, suspensions), decide_trade.cc (offers, orders, time) and decide_rfq.cc (bids and
// awards). Internal to the engine.

#ifndef SUBEX_ENGINE_DECIDE_INTERNAL_H_
#define SUBEX_ENGINE_DECIDE_INTERNAL_H_

#include <optional>
#include <vector>

#include "engine/commands.h"
#include "engine/events.h"
#include "engine/rejection.h"
#include "engine/state.h"

namespace subex::internal {

using Out = std::vector<EventBody>;
using Verdict = std::optional<Rejection>;

Verdict DecideOn(const State& s, const RegisterMember& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const UpdateMember& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const CreateCluster& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const JoinCluster& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const LeaveCluster& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const BlockMember& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const UnblockMember& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const SuspendMember& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const PostOffer& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const WithdrawOffer& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const PlaceOrder& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const CancelOrder& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const Tick& c, Instant now, Out& out);

// Why `m` may not trade in `role` today (unregistered, lacking the role, suspended), if it may not.
std::optional<Rejection> CheckTrader(const Member* m, Role role, Day today);

Verdict DecideOn(const State& s, const ConfirmContract& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const DeclineContract& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const DeliverContract& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const AcceptContract& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const DisputeContract& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const CancelContract& c, Instant now, Out& out);

// The lapse of the first contract whose confirmation is overdue at `now`, with what it releases
// and rematches; false when none is overdue. Tick fires lapses one per round (engine/engine.h).
bool LapseFirstOverdue(const State& s, Instant now, Out& out);

Verdict DecideOn(const State& s, const PlaceBid& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const WithdrawBid& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const AwardBids& c, Instant now, Out& out);

// The rfq timers due by `now`: closes bidding (awarding at once when the award is automatic)
// and lapses the manual awards nobody made.
void DecideRfqTimers(const State& s, Instant now, Out& out);
Verdict DecideOn(const State& s, const IssueKey& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const RevokeKey& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const AuthorizePlatform& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const RevokePlatform& c, Instant now, Out& out);
Verdict DecideOn(const State& s, const KeyPublicIds& c, Instant now, Out& out);

}  // namespace subex::internal

#endif  // SUBEX_ENGINE_DECIDE_INTERNAL_H_
