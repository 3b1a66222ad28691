#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "livedrop/events/v1/envelope.pb.h"
#include "livedrop/pg/migrations.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::pg {
class Pool;
}

namespace livedrop::kafka {

class Producer;

// The SQL that creates the `outbox` table in the service's own schema. Apply it on its own
// track: pg::Migrate(pool, "outbox", kafka::OutboxMigrations()).
const std::vector<pg::Migration>& OutboxMigrations();

// Writes `envelope` to the outbox inside the caller's business transaction, keyed by
// envelope.subject(), and wakes the relay when that transaction commits (NOTIFY). A rolled
// back transaction leaves no trace. Throws Error(kInvalidArgument) for an empty topic or a
// non-UUID envelope id.
void EnqueueEvent(pqxx::transaction_base& tx, const std::string& topic,
                  const events::v1::Envelope& envelope);

// Several events for one topic in one statement and one wake-up, as EnqueueEvent does each:
// for writes coalesced across requests. Rows keep the order of `envelopes`; nothing is
// written for none.
void EnqueueEvents(pqxx::transaction_base& tx, const std::string& topic,
                   const std::vector<events::v1::Envelope>& envelopes);

struct OutboxRelayOptions {
  int batch_size = 100;
  // Longest wait between looks at an idle outbox; NOTIFY usually wakes the relay sooner.
  std::chrono::milliseconds poll_interval{50};
  // How long a batch waits for Kafka's acknowledgements before it counts as failed.
  std::chrono::milliseconds produce_timeout{10000};
  // Stop() keeps relaying for at most this long while rows remain.
  std::chrono::milliseconds drain_timeout{5000};
  std::chrono::milliseconds max_error_backoff{5000};
};

// Moves committed outbox rows to Kafka, oldest first, at least once.
//
// Each batch runs in one transaction that first takes a transaction-scoped advisory lock for
// the schema's outbox, so with several instances exactly one relays at a time (the others
// idle, and one takes over within a poll interval if the leader dies). The batch's rows are
// produced, and only those acknowledged by Kafka (up to the first failure, to keep per-key
// order) are deleted before commit. If Kafka is down the rows stay and are retried with
// backoff; a row whose acknowledgement was lost may be published twice, so consumers dedupe
// by envelope id.
//
// Order: rows are relayed in insertion (sequence) order. Two events for one key keep their
// order when the second's transaction started after the first committed or waited on the
// same row lock before inserting, which is how a service updates one aggregate.
//
// The relay holds one pool connection for as long as it runs (it LISTENs on it): size the
// pool one larger.
class OutboxRelay {
 public:
  OutboxRelay(pg::Pool& pool, Producer& producer, OutboxRelayOptions options = {});
  ~OutboxRelay();  // Stop()
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void Start();
  // Drains (bounded by drain_timeout) and joins the background thread. Idempotent.
  void Stop();

  uint64_t relayed() const;   // rows published and deleted
  uint64_t failures() const;  // batches or database rounds that failed
  bool leader() const;        // held the relay lock on the latest attempt

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::kafka
