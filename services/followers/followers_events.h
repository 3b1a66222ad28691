#pragma once

#include <string>

#include "followers_logic.h"

namespace pqxx {
class transaction_base;
}

// The events of livedrop.followers, each written to the outbox (topic livedrop.followers, key
// creator id) in the caller's transaction, carrying the trace of the call that caused it.
namespace livedrop::followers {

void EmitFollowed(pqxx::transaction_base& tx, const FollowRow& follow);
void EmitUnfollowed(pqxx::transaction_base& tx, const std::string& follower_id,
                    const std::string& creator_id);

}  // namespace livedrop::followers
