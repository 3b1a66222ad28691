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

// The SQL that creates the `outbox` table, and `outbox_parked` for rows Kafka refused for
// good, in the service's own schema. Apply it on its own track:
// pg::Migrate(pool, "outbox", kafka::OutboxMigrations()).
const std::vector<pg::Migration>& OutboxMigrations();

// Writes `envelope` to the outbox inside the caller's business transaction, keyed by
// envelope.subject(), and wakes the relay that leads once that transaction commits: in-process
// when it leads in this process for the pool running `tx` (pg::AfterCommit; no NOTIFY is sent,
// see OutboxRelay), else by a NOTIFY sent in the same statement. A rolled back transaction
// leaves no trace. Throws Error(kInvalidArgument) for an empty topic or a non-UUID envelope id.
void EnqueueEvent(pqxx::transaction_base& tx, const std::string& topic,
                  const events::v1::Envelope& envelope);

// Several events for one topic in one statement and one wake-up, as EnqueueEvent does each:
// for writes coalesced across requests. Rows keep the order of `envelopes`; nothing is
// written for none.
void EnqueueEvents(pqxx::transaction_base& tx, const std::string& topic,
                   const std::vector<events::v1::Envelope>& envelopes);

struct OutboxRelayOptions {
  int batch_size = 100;
  // Longest wait between looks at an idle outbox. Every commit that writes a row wakes the
  // relay that leads (in-process, or by NOTIFY from another process), so this is only the
  // backstop (and how often an instance that does not lead asks for the lead): each look is
  // one autocommit statement, and at 50 ms seven idle relays cost PostgreSQL 169 commits a
  // second.
  std::chrono::milliseconds poll_interval{1000};
  // How long a batch waits for Kafka's acknowledgements before it counts as failed.
  std::chrono::milliseconds produce_timeout{10000};
  // Stop() keeps relaying for at most this long while rows remain.
  std::chrono::milliseconds drain_timeout{5000};
  std::chrono::milliseconds max_error_backoff{5000};
  // A row Kafka refuses for good (DeliveryResult::permanent, Error "message_rejected") this
  // many times in a row is parked, so that the rows after it flow.
  int park_after = 3;
  // The leader measures the outbox (depth, age, parked rows) at most this often.
  std::chrono::milliseconds metrics_interval{1000};
};

// Moves committed outbox rows to Kafka, oldest first, at least once.
//
// Leadership: the relay keeps one connection and, on that connection, tries the session-level
// advisory lock pg_try_advisory_lock(hashtext('livedrop.outbox'), hashtext(<schema>)). With
// several instances exactly one holds it and relays; the others try again every poll interval.
//
// Wake-ups: PostgreSQL signals every LISTENing session of a database for each NOTIFY, whatever
// the channel, and each signalled session reads the queue in a transaction of its own (a
// commit in pg_stat_database): with every service's relay on one database, a NOTIFY cost seven
// wake-ups. So a relay LISTENs only while it leads, and a write through the pool of a relay that
// leads in the same process sends no NOTIFY: EnqueueEvent wakes that relay in-process after the
// commit (pg::AfterCommit, an eventfd the relay waits on beside its connection). Only writes
// from processes whose relay does not lead (with several replicas) NOTIFY the one that does. The
// leader keeps the lock until Stop() (after draining) or until its connection drops: its session
// then ends, the server releases the lock and another instance (or this one, on a fresh connection)
// takes over.
//
// A batch: the oldest rows are read in one autocommit statement; they are produced and the
// acknowledgements awaited (up to produce_timeout) with NO transaction open; then the rows
// acknowledged by Kafka, up to the first failure (to keep per-key order), are deleted by one
// autocommit statement that also reads the next batch, which is published without reading
// again: a busy relay costs PostgreSQL one commit per batch. Only the lock holder's session
// deletes, and a carried-over batch is dropped when the lead is taken or given up or the
// connection changes, so the first batch after taking the lock is always read afresh. If
// Kafka is down the rows stay and are retried with backoff; a row whose acknowledgement was
// lost may be published twice, so consumers dedupe by envelope id.
//
// Parking: a row that fails with a permanent error (too large for Kafka, malformed)
// park_after times in a row is moved, in one statement, to `outbox_parked` with the error
// text, the attempts and parked_at, so the events after it (its key's too) flow. Transient
// errors (brokers down, timeouts, unknown topic, authorization) never park. An operator
// replays a parked row, once the cause is fixed (e.g. message.max.bytes raised), by moving it
// back; it goes to the end of the outbox, after the events that overtook it:
//
//   WITH r AS (DELETE FROM outbox_parked WHERE id = '<event id>'
//              RETURNING id, topic, key, event_type, payload)
//   INSERT INTO outbox (id, topic, key, event_type, payload) SELECT * FROM r;
//
// Metrics, labelled {schema}: livedrop_outbox_depth (rows waiting),
// livedrop_outbox_oldest_age_seconds (age of the oldest waiting row, 0 when empty) and
// livedrop_outbox_parked (rows in outbox_parked), measured by the leader between batches at
// most every metrics_interval; an instance that is not the leader exports 0 for these three
// (so take max over instances). livedrop_outbox_parked_total counts the rows this instance
// parked; livedrop_outbox_relay_lag_seconds is the time from a row's write to its produce.
//
// Order: rows are relayed in insertion (sequence) order. Two events for one key keep their
// order when the second's transaction started after the first committed or waited on the
// same row lock before inserting, which is how a service updates one aggregate (a parked row
// is the exception: the events after it go first).
//
// The relay holds one pool connection for as long as it runs: size the pool one larger. It
// closes that connection when it leaves it after an error, so the lock never goes back to
// the pool.
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
  uint64_t parked() const;    // rows this relay moved to outbox_parked
  bool leader() const;        // holds the relay lock

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::kafka
