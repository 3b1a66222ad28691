#pragma once

#include <chrono>

namespace livedrop::pg {
class Pool;
}

namespace livedrop::orders {

class OrderSaga;

// One pass of the recovery loop: takes over unfinished orders whose driver's lease lapsed
// (the process crashed, or a step failed and the request gave up) and drives each to its end.
// Safe with several instances: claiming skips rows another instance has locked, and each
// claim renews the lease. Returns how many orders were finished.
int RecoverLapsedOrders(pg::Pool& pool, OrderSaga& saga, std::chrono::milliseconds lease,
                        int limit = 50);

// Deletes idempotency keys older than `keep` (at least 24 hours); returns how many.
int ForgetOldKeys(pg::Pool& pool, std::chrono::seconds keep, int limit = 1000);

}  // namespace livedrop::orders
