#include "payment_writer.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <pqxx/pqxx>
#include <unordered_map>

#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/batch_writes.h"
#include "livedrop/pg/pool.h"
#include "payment_events.h"

namespace livedrop::payment {
namespace {

metrics::Histogram& BatchSizes() {
  static auto& histogram = metrics::Registry::Default().GetHistogram(
      "livedrop_payment_write_batch_size", "Payment writes (pending rows, transitions) per commit",
      {1, 2, 4, 8, 16, 32, 64, 128, 256});
  return histogram;
}

metrics::Counter& Overloaded() {
  static auto& counter = metrics::Registry::Default().GetCounter(
      "livedrop_payment_write_overloaded_total",
      "Payment writes refused because too many were already waiting");
  return counter;
}

// An order id as PostgreSQL prints it (ids are UUIDs, checked before they get here), so that
// two spellings of one order meet in one lane and count as one order in a batch.
std::string Canonical(std::string order_id) {
  for (auto& c : order_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return order_id;
}

Error Vanished(const std::string& order_id) {
  return Error(ErrorKind::kInternal, "payment_vanished", "payment " + order_id);
}

// `rows` (one per order of `order_ids`, written by this transaction or nothing) completed with
// the payments the orders had already, read in one statement. ON CONFLICT waited for any
// concurrent insert to commit, and each statement sees what committed before it began, so
// every order has its row by now.
std::vector<PaymentRow> WithExisting(pqxx::transaction_base& tx,
                                     std::vector<std::optional<PaymentRow>> rows,
                                     const std::vector<std::string>& order_ids) {
  std::vector<std::size_t> missing;
  std::vector<std::string> missing_ids;
  for (std::size_t j = 0; j < rows.size(); ++j) {
    if (rows[j]) continue;
    missing.push_back(j);
    missing_ids.push_back(order_ids[j]);
  }
  auto found = PaymentStore::FindMany(tx, missing_ids);
  for (std::size_t k = 0; k < missing.size(); ++k) rows[missing[k]] = std::move(found[k]);
  std::vector<PaymentRow> out;
  for (std::size_t j = 0; j < rows.size(); ++j) {
    if (!rows[j]) throw Vanished(order_ids[j]);
    out.push_back(std::move(*rows[j]));
  }
  return out;
}

// A batch's writes of one kind (`Kind`: PendingWrite or FinishWrite), grouped by order: each
// order once, in the order of its first write (one statement touches a row once).
// A later write of an order in the same batch comes after the first, as it would one batch
// later: it finds the row the first one left (its `changed` is false).
template <class Kind>
struct ByOrder {
  std::vector<std::size_t> writes;  // positions in the batch
  std::vector<std::size_t> slot;    // for each of `writes`, its order's place in `order_ids`
  std::vector<std::string> order_ids;
  std::vector<bool> first;  // for each of `writes`: the first of its order

  ByOrder(const std::vector<PaymentWrite>& batch,
          const std::function<const std::string&(const Kind&)>& order_of) {
    std::unordered_map<std::string, std::size_t> slots;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto* w = std::get_if<Kind>(&batch[i].what);
      if (w == nullptr) continue;
      const auto [it, added] = slots.emplace(Canonical(order_of(*w)), order_ids.size());
      if (added) order_ids.push_back(order_of(*w));
      writes.push_back(i);
      slot.push_back(it->second);
      first.push_back(added);
    }
  }
};

// The writes of one transaction: every pending row first, then every transition (one serial
// order of concurrent calls as good as any other: an order's transition is asked only once its
// pending row committed, in an earlier batch). `out` gets each write's payment.
void Apply(pqxx::transaction_base& tx, const std::vector<PaymentWrite>& batch,
           std::vector<PaymentWriteOutcome>& out) {
  const ByOrder<PendingWrite> pendings(
      batch, [](const PendingWrite& w) -> const std::string& { return w.fresh.order_id; });
  if (!pendings.writes.empty()) {
    std::vector<PaymentRow> fresh;
    for (std::size_t j = 0; j < pendings.writes.size(); ++j) {
      if (!pendings.first[j]) continue;
      fresh.push_back(std::get<PendingWrite>(batch[pendings.writes[j]].what).fresh);
    }
    const auto inserted = PaymentStore::InsertPendingMany(tx, fresh);
    const auto rows = WithExisting(tx, inserted, pendings.order_ids);
    for (std::size_t j = 0; j < pendings.writes.size(); ++j) {
      auto& o = out[pendings.writes[j]];
      o.payment = rows[pendings.slot[j]];
      o.changed = pendings.first[j] && inserted[pendings.slot[j]].has_value();
    }
  }

  const ByOrder<FinishWrite> finishes(
      batch, [](const FinishWrite& w) -> const std::string& { return w.order_id; });
  if (finishes.writes.empty()) return;
  std::vector<PaymentStore::Finishing> moves;
  for (std::size_t j = 0; j < finishes.writes.size(); ++j) {
    if (!finishes.first[j]) continue;
    const auto& w = std::get<FinishWrite>(batch[finishes.writes[j]].what);
    moves.push_back({w.order_id, w.to, w.failure_code});
  }
  const auto moved = PaymentStore::FinishMany(tx, moves);
  const auto rows = WithExisting(tx, moved, finishes.order_ids);
  std::vector<events::v1::Envelope> events;
  for (std::size_t j = 0; j < finishes.writes.size(); ++j) {
    const auto i = finishes.writes[j];
    auto& o = out[i];
    o.payment = rows[finishes.slot[j]];
    o.changed = finishes.first[j] && moved[finishes.slot[j]].has_value();
    if (o.changed) events.push_back(PaymentFinishedEvent(o.payment, batch[i].trace_parent));
  }
  kafka::EnqueueEvents(tx, topics::kPayment, events);
}

}  // namespace

PaymentWriter::PaymentWriter(pg::Pool& pool, CoalescerOptions options, int lanes)
    : pool_(pool),
      lanes_(static_cast<std::size_t>(std::max(lanes, 1))),
      coalescer_(std::make_unique<Coalescer<PaymentWrite, PaymentWriteOutcome>>(
          options,
          [this](const std::string&, std::vector<PaymentWrite>& batch) { return RunBatch(batch); },
          Coalescer<PaymentWrite, PaymentWriteOutcome>::Hooks{
              [](std::size_t n) { BatchSizes().Observe(static_cast<double>(n)); },
              [] { Overloaded().Inc(); }})) {
  for (std::size_t i = 0; i < lanes_.size(); ++i) lanes_[i] = "lane-" + std::to_string(i);
}

PaymentWriter::~PaymentWriter() = default;

std::vector<PaymentWriteOutcome> PaymentWriter::RunTogether(std::vector<PaymentWrite>& batch) {
  const auto apply = [&](pqxx::transaction_base& tx) {
    std::vector<PaymentWriteOutcome> out(batch.size());
    Apply(tx, batch, out);
    return out;
  };
  const bool transitions = std::any_of(batch.begin(), batch.end(), [](const PaymentWrite& w) {
    return std::holds_alternative<FinishWrite>(w.what);
  });
  // Only pending rows: one INSERT (atomic by itself, no event to write with it) and, for orders
  // that had a payment already, one read of what committed: no BEGIN / COMMIT round trips.
  if (!transitions) return pool_.AutoCommit([&](pqxx::nontransaction& tx) { return apply(tx); });
  return pool_.Transact([&](pqxx::work& tx) { return apply(tx); });
}

std::vector<PaymentWriteOutcome> PaymentWriter::RunBatch(std::vector<PaymentWrite>& batch) {
  // A write the database refuses (a CHECK of one payment) fails alone.
  return pg::RunTogetherOrEachAlone(
      batch, [this](std::vector<PaymentWrite>& writes) { return RunTogether(writes); });
}

PaymentWriteOutcome PaymentWriter::Submit(const std::string& order_id, PaymentWrite write) {
  const auto& lane = lanes_[std::hash<std::string>{}(Canonical(order_id)) % lanes_.size()];
  auto outcome = coalescer_->Submit(lane, std::move(write));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  return outcome;
}

PaymentRow PaymentWriter::RecordPending(const PaymentRow& fresh) {
  return Submit(fresh.order_id, PaymentWrite{PendingWrite{fresh}, rpc::CurrentTraceParent()})
      .payment;
}

std::optional<PaymentRow> PaymentWriter::Find(const std::string& order_id) {
  return pool_.AutoCommit(
      [&](pqxx::nontransaction& tx) { return PaymentStore::Find(tx, order_id); });
}

PaymentChange PaymentWriter::MarkSucceeded(const std::string& order_id) {
  auto outcome = Submit(order_id, PaymentWrite{FinishWrite{order_id, PaymentState::kSucceeded, ""},
                                               rpc::CurrentTraceParent()});
  return PaymentChange{std::move(outcome.payment), outcome.changed};
}

PaymentChange PaymentWriter::MarkFailed(const std::string& order_id,
                                        const std::string& failure_code) {
  auto outcome =
      Submit(order_id, PaymentWrite{FinishWrite{order_id, PaymentState::kFailed, failure_code},
                                    rpc::CurrentTraceParent()});
  return PaymentChange{std::move(outcome.payment), outcome.changed};
}

PaymentChange PaymentWriter::MarkRefunded(const std::string& order_id) {
  return pool_.Transact([&](pqxx::work& tx) {
    if (auto moved = PaymentStore::MarkRefunded(tx, order_id)) {
      EmitPaymentRefunded(tx, *moved);
      return PaymentChange{std::move(*moved), true};
    }
    auto existing = PaymentStore::Find(tx, order_id);
    if (!existing) throw Vanished(order_id);
    return PaymentChange{std::move(*existing), false};
  });
}

}  // namespace livedrop::payment
