#include "livedrop/kafka/outbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/arrays.h"
#include "livedrop/pg/pool.h"
#include "stop_wait.h"

namespace livedrop::kafka {
namespace {

using std::chrono::milliseconds;

// `seq` gives the relay order; `id` (the envelope id) makes a replayed insert fail loudly.
constexpr const char* kCreateOutboxSql = R"sql(
CREATE TABLE outbox (
  seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id         uuid PRIMARY KEY,
  topic      text NOT NULL CHECK (topic <> ''),
  key        text NOT NULL,
  event_type text NOT NULL,
  payload    bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
)sql";

constexpr const char* kInsertSql =
    "INSERT INTO outbox (id, topic, key, event_type, payload) VALUES ($1::uuid, $2, $3, $4, $5)";
// Payloads travel hex-encoded in a text[] (libpqxx 6 binds no bytea[]), in input order.
constexpr const char* kInsertManySql =
    "INSERT INTO outbox (id, topic, key, event_type, payload) "
    "SELECT e.id, $1, e.key, e.event_type, decode(e.payload, 'hex') "
    "  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY "
    "       AS e(id, key, event_type, payload, n) ORDER BY e.n";

std::string HexBytes(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xF]);
  }
  return hex;
}

// One channel per schema, so services sharing a database wake only their own relay.
constexpr const char* kChannelExpr = "'livedrop_outbox_' || coalesce(current_schema(), 'public')";

// The two-key form keeps this lock apart from any single-key advisory locks a service uses;
// the schema name keeps services sharing one database apart.
constexpr const char* kTryLockSql =
    "SELECT pg_try_advisory_xact_lock(hashtext('livedrop.outbox'), "
    "hashtext(coalesce(current_schema(), 'public')))";

// created_at as microseconds since the epoch, for the relay-lag histogram.
constexpr const char* kSelectBatchSql =
    "SELECT seq, id::text, topic, key, event_type, payload, "
    "(extract(epoch FROM created_at) * 1000000)::bigint FROM outbox ORDER BY seq LIMIT $1";

constexpr const char* kDeleteSql = "DELETE FROM outbox WHERE seq = ANY($1::bigint[])";

class WakeReceiver : public pqxx::notification_receiver {
 public:
  using pqxx::notification_receiver::notification_receiver;
  void operator()(const std::string&, int) override {}
};

struct Row {
  int64_t seq;
  std::string id;
  std::string topic;
  std::string key;
  std::string event_type;
  std::string payload;
  int64_t created_us;
};

// Collects the delivery reports of one batch; shared with the callbacks because a report can
// arrive after the batch gave up waiting.
struct BatchDeliveries {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> status;  // 0 pending, 1 delivered, -1 failed
  std::vector<std::string> errors;
  int pending = 0;
};

}  // namespace

const std::vector<pg::Migration>& OutboxMigrations() {
  static const std::vector<pg::Migration> kMigrations = {
      {1, "create_outbox", kCreateOutboxSql},
  };
  return kMigrations;
}

void EnqueueEvent(pqxx::transaction_base& tx, const std::string& topic,
                  const events::v1::Envelope& envelope) {
  if (topic.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed", "outbox topic is empty");
  }
  if (!IsUuid(envelope.id())) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed",
                "outbox event id is not a UUID: " + envelope.id());
  }
  std::string bytes = envelope.SerializeAsString();
  tx.exec_params(kInsertSql, envelope.id(), topic, envelope.subject(), envelope.type(),
                 pqxx::binarystring(bytes.data(), bytes.size()));
  // Delivered only if this transaction commits; repeats within it are folded into one.
  tx.exec(std::string("SELECT pg_notify(") + kChannelExpr + ", '')");
}

void EnqueueEvents(pqxx::transaction_base& tx, const std::string& topic,
                   const std::vector<events::v1::Envelope>& envelopes) {
  if (envelopes.empty()) return;
  if (topic.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed", "outbox topic is empty");
  }
  std::vector<std::string> ids, keys, types, payloads;
  for (const auto& envelope : envelopes) {
    if (!IsUuid(envelope.id())) {
      throw Error(ErrorKind::kInvalidArgument, "validation_failed",
                  "outbox event id is not a UUID: " + envelope.id());
    }
    ids.push_back(envelope.id());
    keys.push_back(envelope.subject());
    types.push_back(envelope.type());
    payloads.push_back(HexBytes(envelope.SerializeAsString()));
  }
  tx.exec_params(kInsertManySql, topic, pg::ArrayLiteral(ids), pg::ArrayLiteral(keys),
                 pg::ArrayLiteral(types), pg::ArrayLiteral(payloads));
  tx.exec(std::string("SELECT pg_notify(") + kChannelExpr + ", '')");
}

struct OutboxRelay::Impl {
  pg::Pool& pool;
  Producer& producer;
  OutboxRelayOptions options;
  std::jthread thread;
  std::atomic<uint64_t> relayed{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<bool> leader{false};

  Impl(pg::Pool& p, Producer& pr, OutboxRelayOptions o)
      : pool(p), producer(pr), options(std::move(o)) {}

  struct BatchOutcome {
    bool locked = false;
    int rows = 0;       // rows selected
    int delivered = 0;  // rows published and deleted
  };

  // One transaction: lock, read the oldest rows, publish, delete what Kafka acknowledged.
  BatchOutcome RelayBatch(pqxx::connection& conn) {
    BatchOutcome outcome;
    pqxx::work tx(conn, "outbox_relay");
    outcome.locked = tx.exec1(kTryLockSql)[0].as<bool>();
    leader.store(outcome.locked);
    if (!outcome.locked) return outcome;

    // A separate statement, so under READ COMMITTED its snapshot is taken after the lock
    // and sees the deletions of the previous holder.
    pqxx::result result = tx.exec_params(kSelectBatchSql, options.batch_size);
    std::vector<Row> rows;
    rows.reserve(result.size());
    for (const auto& r : result) {
      rows.push_back(Row{r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                         r[3].as<std::string>(), r[4].as<std::string>(),
                         pqxx::binarystring(r[5]).str(), r[6].as<int64_t>()});
    }
    outcome.rows = static_cast<int>(rows.size());
    if (rows.empty()) return outcome;

    ObserveLag(rows);
    size_t delivered = Publish(rows);
    if (delivered > 0) {
      std::string seqs = "{";
      for (size_t i = 0; i < delivered; ++i) {
        if (i > 0) seqs += ',';
        seqs += std::to_string(rows[i].seq);
      }
      seqs += '}';
      tx.exec_params(kDeleteSql, seqs);
      tx.commit();
      relayed.fetch_add(delivered);
    }
    outcome.delivered = static_cast<int>(delivered);
    return outcome;
  }

  // From each row's transaction start (created_at is now()) to its hand-over to the producer:
  // NOTIFY, lock and select, or the poll interval when a wake-up was missed.
  void ObserveLag(const std::vector<Row>& rows) {
    static auto& lag = metrics::Registry::Default().GetHistogram(
        "livedrop_outbox_relay_lag_seconds",
        "From the transaction that wrote an outbox row to the relay producing it",
        metrics::DefaultLatencyBuckets());
    const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    for (const Row& row : rows) {
      lag.Observe(static_cast<double>(std::max<int64_t>(0, now_us - row.created_us)) / 1e6);
    }
  }

  // Produces every row and waits for the acknowledgements; returns how many rows, from the
  // first, were all delivered. Rows after a failure stay in the outbox even if they were
  // delivered, so that a retry cannot put a key's events out of order (consumers dedupe).
  size_t Publish(const std::vector<Row>& rows) {
    auto deliveries = std::make_shared<BatchDeliveries>();
    deliveries->status.assign(rows.size(), 0);
    deliveries->errors.assign(rows.size(), "");
    size_t queued = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& row = rows[i];
      {
        std::lock_guard lock(deliveries->mu);
        ++deliveries->pending;
      }
      try {
        producer.Produce(
            row.topic, row.key, row.payload,
            [deliveries, i](const DeliveryResult& r) {
              std::lock_guard lock(deliveries->mu);
              deliveries->status[i] = r.ok ? 1 : -1;
              if (!r.ok) deliveries->errors[i] = r.error;
              if (--deliveries->pending == 0) deliveries->cv.notify_all();
            },
            Headers{{"livedrop-event-id", row.id}, {"livedrop-event-type", row.event_type}});
        ++queued;
      } catch (const Error& e) {
        std::lock_guard lock(deliveries->mu);
        --deliveries->pending;
        deliveries->status[i] = -1;
        deliveries->errors[i] = e.what();
        break;
      }
    }
    std::unique_lock lock(deliveries->mu);
    deliveries->cv.wait_for(lock, options.produce_timeout,
                            [&] { return deliveries->pending == 0; });
    size_t prefix = 0;
    while (prefix < rows.size() && deliveries->status[prefix] == 1) ++prefix;
    if (prefix < rows.size()) {
      const std::string& why = deliveries->status[prefix] == 0
                                   ? std::string("no acknowledgement in time")
                                   : deliveries->errors[prefix];
      spdlog::warn("outbox relay: event {} to {} not delivered ({}); {} of {} rows kept",
                   rows[prefix].id, rows[prefix].topic, why, rows.size() - prefix, rows.size());
      failures.fetch_add(1);
    }
    return prefix;
  }

  void Run(std::stop_token stop) {
    milliseconds backoff = options.poll_interval;
    while (!stop.stop_requested()) {
      try {
        pool.WithConnection([&](pqxx::connection& conn) {
          std::string channel;
          {
            pqxx::nontransaction q(conn);
            channel = q.exec1(std::string("SELECT ") + kChannelExpr)[0].as<std::string>();
          }
          WakeReceiver receiver(conn, channel);
          while (!stop.stop_requested()) {
            BatchOutcome outcome = RelayBatch(conn);
            if (outcome.delivered < outcome.rows) {
              // Kafka trouble: back off, keep the connection.
              if (!internal::SleepUnlessStopped(backoff, stop)) break;
              backoff = std::min(backoff * 2, options.max_error_backoff);
              continue;
            }
            backoff = options.poll_interval;
            if (outcome.locked && outcome.rows == options.batch_size) continue;  // more waiting
            auto wait_us =
                std::chrono::duration_cast<std::chrono::microseconds>(options.poll_interval)
                    .count();
            conn.await_notification(wait_us / 1'000'000, wait_us % 1'000'000);
          }
          Drain(conn);
        });
      } catch (const std::exception& e) {
        failures.fetch_add(1);
        leader.store(false);
        spdlog::warn("outbox relay: {}; retrying in {} ms", e.what(), backoff.count());
        internal::SleepUnlessStopped(backoff, stop);
        backoff = std::min(backoff * 2, options.max_error_backoff);
      }
    }
  }

  // Relays what is left when asked to stop, bounded in time; a relay that does not hold the
  // lock leaves the rows to the instance that does.
  void Drain(pqxx::connection& conn) {
    auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      BatchOutcome outcome = RelayBatch(conn);
      if (!outcome.locked || outcome.rows == 0 || outcome.delivered < outcome.rows) break;
    }
    leader.store(false);
  }
};

OutboxRelay::OutboxRelay(pg::Pool& pool, Producer& producer, OutboxRelayOptions options)
    : impl_(std::make_unique<Impl>(pool, producer, std::move(options))) {
  if (impl_->options.batch_size < 1) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed", "batch_size must be >= 1");
  }
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  if (impl_->thread.joinable()) return;
  impl_->thread = std::jthread([impl = impl_.get()](std::stop_token stop) { impl->Run(stop); });
}

void OutboxRelay::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->thread.request_stop();
  impl_->thread.join();
}

uint64_t OutboxRelay::relayed() const { return impl_->relayed.load(); }
uint64_t OutboxRelay::failures() const { return impl_->failures.load(); }
bool OutboxRelay::leader() const { return impl_->leader.load(); }

}  // namespace livedrop::kafka
