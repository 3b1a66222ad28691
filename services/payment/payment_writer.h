#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "livedrop/core/coalescer.h"
#include "payment_store.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::payment {

// One write of a charge: its payment recorded pending, or moved pending → succeeded | failed.
struct PendingWrite {
  PaymentRow fresh;  // id (the processor's key), order, buyer, amount, currency
};
struct FinishWrite {
  std::string order_id;
  PaymentState to = PaymentState::kSucceeded;
  std::string failure_code;  // failed only
};
struct PaymentWrite {
  std::variant<PendingWrite, FinishWrite> what;
  std::string trace_parent;  // of the call that caused it, for its event
};
struct PaymentWriteOutcome {
  PaymentRow payment;          // the order's payment after the write
  bool changed = false;        // this write inserted the row, or made the transition
  std::exception_ptr failure;  // this write failed on its own
};

// PaymentsRepository on PostgreSQL, with the writes of concurrent charges coalesced (a
// Coalescer with `lanes` lanes, an order's writes always in the lane of its id's hash;
// leader/follower, no threads of its own). A batch is one transaction and one commit, with one
// statement per kind: the pending rows inserted (ON CONFLICT (order_id) DO NOTHING), the
// payments of orders that had one read, the transitions made (only from pending), the payments
// not moved read, and the events of the transitions made written to the outbox together — so
// only the transition that wins emits, and a caller hears of its write only once it committed.
// A write the database refuses on its own (a CHECK of one payment) does not fail the others:
// the batch is rolled back and each write run alone. A database that is down fails the whole
// batch. Find and MarkRefunded are rare and run per call (MarkRefunded: one transaction with
// its event).
class PaymentWriter final : public PaymentsRepository {
 public:
  // `lanes` batches may run at once (1: one at a time in this process).
  explicit PaymentWriter(pg::Pool& pool, CoalescerOptions options = {}, int lanes = 1);
  ~PaymentWriter() override;
  PaymentWriter(const PaymentWriter&) = delete;
  PaymentWriter& operator=(const PaymentWriter&) = delete;

  PaymentRow RecordPending(const PaymentRow& fresh) override;
  std::optional<PaymentRow> Find(const std::string& order_id) override;
  PaymentChange MarkSucceeded(const std::string& order_id) override;
  PaymentChange MarkFailed(const std::string& order_id, const std::string& failure_code) override;
  PaymentChange MarkRefunded(const std::string& order_id) override;

  // One batch, as the leader runs it; public for tests that need a batch of a known make-up.
  std::vector<PaymentWriteOutcome> RunBatch(std::vector<PaymentWrite>& batch);

 private:
  PaymentWriteOutcome Submit(const std::string& order_id, PaymentWrite write);
  std::vector<PaymentWriteOutcome> RunTogether(std::vector<PaymentWrite>& batch);

  pg::Pool& pool_;
  std::vector<std::string> lanes_;
  std::unique_ptr<Coalescer<PaymentWrite, PaymentWriteOutcome>> coalescer_;
};

}  // namespace livedrop::payment
