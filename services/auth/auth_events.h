#pragma once

#include "auth_logic.h"

namespace pqxx {
class transaction_base;
}

// The events of livedrop.auth, each written to the outbox (topic livedrop.auth, key user id) in
// the caller's transaction, carrying the trace of the call that caused it.
namespace livedrop::auth {

void EmitUserRegistered(pqxx::transaction_base& tx, const User& user);

}  // namespace livedrop::auth
