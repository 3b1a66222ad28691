#include "livedrop/kafka/outbox.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/arrays.h"
#include "livedrop/pg/pool.h"
#include "livedrop/pg/statement.h"
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

// Rows Kafka refused for good, moved here by the relay so the rows after them flow; seq is the
// row's place in the outbox when it was parked. Replaying one moves it back (see outbox.h).
constexpr const char* kCreateParkedSql = R"sql(
CREATE TABLE outbox_parked (
  seq        bigint PRIMARY KEY,
  id         uuid NOT NULL UNIQUE,
  topic      text NOT NULL,
  key        text NOT NULL,
  event_type text NOT NULL,
  payload    bytea NOT NULL,
  created_at timestamptz NOT NULL,
  attempts   integer NOT NULL,
  error      text NOT NULL,
  parked_at  timestamptz NOT NULL DEFAULT now()
);
)sql";

// Each insert comes in two forms, prepared once per connection: alone, when the relay that
// leads is in this process (it is woken after the commit, in-process), and with the NOTIFY
// that wakes a relay elsewhere in the same round trip (a data-modifying WITH runs once,
// whatever the outer query reads). The NOTIFY is delivered only if the caller's transaction
// commits; repeats within one are folded into one. One channel per schema.
#define LIVEDROP_OUTBOX_INSERT_ONE \
  "INSERT INTO outbox (id, topic, key, event_type, payload) VALUES ($1::uuid, $2, $3, $4, $5)"
// Payloads travel hex-encoded in a text[] (libpqxx 6 binds no bytea[]), in input order.
#define LIVEDROP_OUTBOX_INSERT_MANY                                                \
  "INSERT INTO outbox (id, topic, key, event_type, payload) "                      \
  "SELECT e.id, $1, e.key, e.event_type, decode(e.payload, 'hex') "                \
  "  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY " \
  "       AS e(id, key, event_type, payload, n) ORDER BY e.n"
#define LIVEDROP_OUTBOX_NOTIFY \
  " SELECT pg_notify('livedrop_outbox_' || coalesce(current_schema(), 'public'), '')"
constexpr pg::Statement kInsert{"outbox_insert", LIVEDROP_OUTBOX_INSERT_ONE};
constexpr pg::Statement kInsertNotify{
    "outbox_insert_notify", "WITH e AS (" LIVEDROP_OUTBOX_INSERT_ONE ")" LIVEDROP_OUTBOX_NOTIFY};
constexpr pg::Statement kInsertMany{"outbox_insert_many", LIVEDROP_OUTBOX_INSERT_MANY};
constexpr pg::Statement kInsertManyNotify{"outbox_insert_many_notify",
                                          "WITH e AS (" LIVEDROP_OUTBOX_INSERT_MANY
                                          ")" LIVEDROP_OUTBOX_NOTIFY};
#undef LIVEDROP_OUTBOX_INSERT_ONE
#undef LIVEDROP_OUTBOX_INSERT_MANY
#undef LIVEDROP_OUTBOX_NOTIFY

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

// The two-key form keeps this lock apart from any single-key advisory locks a service uses;
// the schema name keeps services sharing one database apart. Session-level: held on the
// relay's connection for as long as it leads, released by the server when that session ends.
constexpr const char* kTryLockSql =
    "SELECT pg_try_advisory_lock(hashtext('livedrop.outbox'), "
    "hashtext(coalesce(current_schema(), 'public')))";
constexpr const char* kUnlockSql =
    "SELECT pg_advisory_unlock(hashtext('livedrop.outbox'), "
    "hashtext(coalesce(current_schema(), 'public')))";

constexpr const char* kSessionSql =
    "SELECT coalesce(current_schema(), 'public'), 'livedrop_outbox_' || "
    "coalesce(current_schema(), 'public')";

// created_at as microseconds since the epoch, for the relay-lag histogram. The first read
// after taking the lock, after a wake-up, and after a batch that carried nothing over.
constexpr const char* kSelectBatchSql =
    "SELECT seq, id::text, topic, key, event_type, payload, "
    "(extract(epoch FROM created_at) * 1000000)::bigint FROM outbox ORDER BY seq LIMIT $1";

// Deletes the rows Kafka acknowledged and reads the next batch (kSelectBatchSql's columns) in
// one autocommit statement: a busy relay costs PostgreSQL one commit, and one round trip, per
// batch. The main query sees the snapshot from before the DELETE, hence the explicit
// exclusion of the deleted seqs. Both halves do nothing unless the statement runs on the
// session that took the lock ($3): libpqxx may reconnect on its own before the statement,
// and a session without the lock must not delete.
constexpr const char* kDeleteAndReadNextSql =
    "WITH gone AS (DELETE FROM outbox WHERE seq = ANY($1::bigint[]) AND pg_backend_pid() = $3) "
    "SELECT seq, id::text, topic, key, event_type, payload, "
    "(extract(epoch FROM created_at) * 1000000)::bigint FROM outbox "
    "WHERE seq <> ALL($1::bigint[]) AND pg_backend_pid() = $3 ORDER BY seq LIMIT $2";

constexpr const char* kDeleteSql = "DELETE FROM outbox WHERE seq = ANY($1::bigint[])";

// One statement, so the row is in exactly one of the two tables whatever happens.
constexpr const char* kParkSql =
    "WITH moved AS (DELETE FROM outbox WHERE seq = $1 "
    "  RETURNING seq, id, topic, key, event_type, payload, created_at) "
    "INSERT INTO outbox_parked (seq, id, topic, key, event_type, payload, created_at, attempts, "
    "error) SELECT seq, id, topic, key, event_type, payload, created_at, $2, $3 FROM moved";

// Depth, age of the oldest row, parked rows: one scan of each table, at most every
// metrics_interval and by the leader only.
constexpr const char* kMeasureSql =
    "SELECT count(*), greatest(0, coalesce(extract(epoch FROM now() - min(created_at)), 0))"
    "::float8, (SELECT count(*) FROM outbox_parked) FROM outbox";

// Wakes a relay waiting in Impl::AwaitWake from this process: an eventfd, readable until
// drained, so a wake-up that comes before the wait is not lost.
class Waker {
 public:
  Waker() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  ~Waker() { ::close(fd_); }
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  void Wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);
  }
  void Drain() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(fd_, &count, sizeof count);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

// The relays of this process that lead, by the pool they relay from. PostgreSQL signals every
// listening session of a database for each NOTIFY, whatever its channel (each wake-up a
// transaction of its own, counted in pg_stat_database as a commit), so with seven services'
// relays on one database a NOTIFY costs seven wake-ups: a write through a pool whose relay
// leads here wakes it after the commit instead, and sends no NOTIFY at all.
std::mutex g_leading_mutex;
std::unordered_map<const pg::Pool*, Waker*> g_leading;

void SetLeading(const pg::Pool* pool, Waker* waker, bool leads) {
  std::lock_guard lock(g_leading_mutex);
  if (leads) {
    g_leading[pool] = waker;
  } else if (const auto it = g_leading.find(pool); it != g_leading.end() && it->second == waker) {
    g_leading.erase(it);
  }
}

// Arranges for the relay leading for tx's pool in this process to be woken once tx commits;
// false when none leads here (a NOTIFY must wake the one that does, wherever it is). A relay
// that gives up the lead between the write and the commit misses the wake-up: the next leader
// reads the outbox when it takes over.
bool WakeLocalRelayAfterCommit(const pqxx::transaction_base& tx) {
  const pg::Pool* pool = pg::PoolRunning(tx);
  if (pool == nullptr) return false;
  {
    std::lock_guard lock(g_leading_mutex);
    if (!g_leading.count(pool)) return false;
  }
  return pg::AfterCommit(tx, [pool] {
    std::lock_guard lock(g_leading_mutex);
    if (const auto it = g_leading.find(pool); it != g_leading.end()) it->second->Wake();
  });
}

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
  std::vector<bool> permanent;
  int pending = 0;
};

// What one Publish achieved: rows [0, delivered) acknowledged; the first failure's reason.
struct PublishOutcome {
  size_t delivered = 0;
  bool permanent = false;  // the first row not delivered was refused for good
  std::string error;
};

// The relay's connection, and what this relay holds on it.
struct Session {
  pqxx::connection& conn;
  bool leads = false;   // holds the session-level advisory lock
  int backend_pid = 0;  // of the session that took it
  std::chrono::steady_clock::time_point next_measure{};
  // The next batch, read by the statement that deleted the last one, on this session while it
  // led: published without reading again. Empty: the next batch is read afresh. Cleared
  // whenever the lead is taken or given up; it dies with the session (and so with a new
  // connection).
  std::vector<Row> next;
};

// The rows of kSelectBatchSql or kDeleteAndReadNextSql, in seq order.
std::vector<Row> ToRows(const pqxx::result& result) {
  std::vector<Row> rows;
  rows.reserve(result.size());
  for (const auto& r : result) {
    rows.push_back(Row{r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                       r[3].as<std::string>(), r[4].as<std::string>(),
                       pqxx::binarystring(r[5]).str(), r[6].as<int64_t>()});
  }
  return rows;
}

// The seqs of rows [0, n), as a bigint[] literal.
std::string SeqArray(const std::vector<Row>& rows, size_t n) {
  std::string seqs = "{";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) seqs += ',';
    seqs += std::to_string(rows[i].seq);
  }
  seqs += '}';
  return seqs;
}

// libpqxx reconnects behind our back when it finds the connection broken: the new session
// does not hold the lock, so it must neither delete nor hand on what the old one read.
void CheckSameSession(const Session& s) {
  if (s.conn.backendpid() != s.backend_pid) {
    throw pqxx::broken_connection("outbox relay: the session that held the lock is gone");
  }
}

}  // namespace

const std::vector<pg::Migration>& OutboxMigrations() {
  static const std::vector<pg::Migration> kMigrations = {
      {1, "create_outbox", kCreateOutboxSql},
      {2, "create_outbox_parked", kCreateParkedSql},
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
  pg::Exec(tx, WakeLocalRelayAfterCommit(tx) ? kInsert : kInsertNotify, envelope.id(), topic,
           envelope.subject(), envelope.type(), pqxx::binarystring(bytes.data(), bytes.size()));
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
  pg::Exec(tx, WakeLocalRelayAfterCommit(tx) ? kInsertMany : kInsertManyNotify, topic,
           pg::ArrayLiteral(ids), pg::ArrayLiteral(keys), pg::ArrayLiteral(types),
           pg::ArrayLiteral(payloads));
}

struct OutboxRelay::Impl {
  pg::Pool& pool;
  Producer& producer;
  OutboxRelayOptions options;
  std::jthread thread;
  std::atomic<uint64_t> relayed{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> parked{0};
  std::atomic<bool> leader{false};
  Waker waker;  // this process's writers, after their commit (while this relay leads)

  // Labelled {schema}, looked up once the first connection tells the schema.
  metrics::Gauge* depth_gauge = nullptr;
  metrics::Gauge* age_gauge = nullptr;
  metrics::Gauge* parked_gauge = nullptr;
  metrics::Counter* parked_counter = nullptr;

  // The row that last failed for good, and how many times in a row it did.
  int64_t refused_seq = -1;
  int refused_times = 0;

  Impl(pg::Pool& p, Producer& pr, OutboxRelayOptions o)
      : pool(p), producer(pr), options(std::move(o)) {}
  ~Impl() { SetLeading(&pool, &waker, false); }

  // Whether this relay holds the lock, for leader() and for this process's writers.
  void Lead(bool leads) {
    leader.store(leads);
    SetLeading(&pool, &waker, leads);
  }

  struct BatchOutcome {
    int rows = 0;       // rows selected
    int delivered = 0;  // rows published and deleted
    int parked = 0;     // rows moved to outbox_parked
    // Kafka trouble: the batch made no way, so the caller backs off.
    bool stalled() const { return delivered < rows && parked == 0; }
  };

  void LookUpMetrics(const std::string& schema) {
    if (depth_gauge != nullptr) return;
    auto& registry = metrics::Registry::Default();
    const metrics::Labels labels{{"schema", schema}};
    depth_gauge = &registry.GetGauge(
        "livedrop_outbox_depth", "Outbox rows waiting for Kafka (the leader's view; 0 elsewhere)",
        labels);
    age_gauge = &registry.GetGauge("livedrop_outbox_oldest_age_seconds",
                                   "Age of the oldest outbox row waiting for Kafka, 0 when none "
                                   "(the leader's view; 0 elsewhere)",
                                   labels);
    parked_gauge = &registry.GetGauge(
        "livedrop_outbox_parked",
        "Rows in outbox_parked, refused by Kafka for good (the leader's view; 0 elsewhere)",
        labels);
    parked_counter = &registry.GetCounter(
        "livedrop_outbox_parked_total", "Outbox rows this instance moved to outbox_parked", labels);
  }

  void ZeroGauges() {
    if (depth_gauge == nullptr) return;
    depth_gauge->Set(0);
    age_gauge->Set(0);
    parked_gauge->Set(0);
  }

  // Plain statements, no transaction: the lock belongs to the session.
  void TryLead(Session& s) {
    pqxx::nontransaction q(s.conn, "outbox_relay_lock");
    s.leads = q.exec1(kTryLockSql)[0].as<bool>();
    s.next.clear();  // the first read as leader must see the previous holder's deletions
    if (!s.leads) return;
    s.backend_pid = s.conn.backendpid();
    s.next_measure = std::chrono::steady_clock::now();
    Lead(true);
    spdlog::info("outbox relay: leading (backend {})", s.backend_pid);
  }

  void Resign(Session& s) {
    if (!s.leads) return;
    s.leads = false;
    s.next.clear();
    Lead(false);
    ZeroGauges();
    pqxx::nontransaction q(s.conn, "outbox_relay_unlock");
    q.exec1(kUnlockSql);
  }

  void Measure(Session& s) {
    const auto now = std::chrono::steady_clock::now();
    if (now < s.next_measure) return;
    s.next_measure = now + options.metrics_interval;
    pqxx::nontransaction q(s.conn, "outbox_relay_measure");
    const pqxx::row r = q.exec1(kMeasureSql);
    depth_gauge->Set(static_cast<double>(r[0].as<int64_t>()));
    age_gauge->Set(r[1].as<double>());
    parked_gauge->Set(static_cast<double>(r[2].as<int64_t>()));
  }

  // Publish a batch with no transaction open (the one carried over from the last batch, else
  // the oldest rows, read now), then delete what Kafka acknowledged and read the next batch in
  // one statement; a row refused for good is parked in a transaction of its own.
  BatchOutcome RelayBatch(Session& s) {
    BatchOutcome outcome;
    std::vector<Row> rows = TakeBatch(s);
    outcome.rows = static_cast<int>(rows.size());
    if (rows.empty()) return outcome;

    ObserveLag(rows);
    const PublishOutcome published = Publish(rows);
    const size_t delivered = published.delivered;
    const Row* park = nullptr;
    if (delivered < rows.size()) {
      const Row& refused = rows[delivered];
      if (published.permanent) {
        if (refused.seq != refused_seq) {
          refused_seq = refused.seq;
          refused_times = 0;
        }
        if (++refused_times >= options.park_after) park = &refused;
      } else {
        refused_seq = -1;  // transient trouble breaks the run: it says nothing about the row
        refused_times = 0;
      }
    }
    if (delivered == 0 && park == nullptr) return outcome;  // read afresh after the back-off

    if (park == nullptr) {
      s.next = DeleteAndReadNext(s, rows, delivered);
    } else {
      DeleteAndPark(s, rows, delivered, *park, published.error, outcome);
    }
    relayed.fetch_add(delivered);
    outcome.delivered = static_cast<int>(delivered);
    return outcome;
  }

  // The carried-over batch, else the oldest rows in one autocommit statement (after taking the
  // lock or a wake-up, so it sees the deletions of the previous holder and new rows).
  std::vector<Row> TakeBatch(Session& s) {
    std::vector<Row> rows = std::move(s.next);
    s.next.clear();
    if (rows.empty()) {
      pqxx::nontransaction q(s.conn, "outbox_relay_read");
      rows = ToRows(q.exec_params(kSelectBatchSql, options.batch_size));
    }
    CheckSameSession(s);  // read by this session, and it still is the one that took the lock
    return rows;
  }

  // Deletes rows [0, delivered) and returns the batch after them: one statement, one commit.
  std::vector<Row> DeleteAndReadNext(Session& s, const std::vector<Row>& rows, size_t delivered) {
    CheckSameSession(s);
    pqxx::result next;
    {
      pqxx::nontransaction q(s.conn, "outbox_relay_delete_read");
      next = q.exec_params(kDeleteAndReadNextSql, SeqArray(rows, delivered), options.batch_size,
                           s.backend_pid);
    }
    CheckSameSession(s);  // a reconnect during the statement: it deleted and read nothing
    return ToRows(next);
  }

  // Deletes rows [0, delivered) and parks `park` in one transaction; the next batch is read
  // afresh (parking is rare).
  void DeleteAndPark(Session& s, const std::vector<Row>& rows, size_t delivered, const Row& park,
                     const std::string& error, BatchOutcome& outcome) {
    pqxx::work tx(s.conn, "outbox_relay_park");
    CheckSameSession(s);  // after BEGIN, which is where libpqxx would have reconnected
    if (delivered > 0) tx.exec_params(kDeleteSql, SeqArray(rows, delivered));
    const size_t parked_rows =
        tx.exec_params(kParkSql, park.seq, refused_times, error).affected_rows();
    tx.commit();
    spdlog::error("outbox relay: event {} ({}) to {} parked in outbox_parked after {} attempts: {}",
                  park.id, park.event_type, park.topic, refused_times, error);
    refused_seq = -1;
    refused_times = 0;
    outcome.parked = static_cast<int>(parked_rows);
    parked.fetch_add(parked_rows);
    parked_counter->Inc(static_cast<double>(parked_rows));
    s.next_measure = std::chrono::steady_clock::now();  // show it now
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

  // Produces every row and waits for the acknowledgements; reports how many rows, from the
  // first, were all delivered, and why the next was not. Rows after a failure stay in the
  // outbox even if they were delivered, so that a retry cannot put a key's events out of
  // order (consumers dedupe).
  PublishOutcome Publish(const std::vector<Row>& rows) {
    auto deliveries = std::make_shared<BatchDeliveries>();
    deliveries->status.assign(rows.size(), 0);
    deliveries->errors.assign(rows.size(), "");
    deliveries->permanent.assign(rows.size(), false);
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
              if (!r.ok) {
                deliveries->errors[i] = r.error;
                deliveries->permanent[i] = r.permanent;
              }
              if (--deliveries->pending == 0) deliveries->cv.notify_all();
            },
            Headers{{"livedrop-event-id", row.id}, {"livedrop-event-type", row.event_type}});
      } catch (const Error& e) {
        std::lock_guard lock(deliveries->mu);
        --deliveries->pending;
        deliveries->status[i] = -1;
        deliveries->errors[i] = e.what();
        deliveries->permanent[i] = e.code() == "message_rejected";
        break;
      }
    }
    std::unique_lock lock(deliveries->mu);
    deliveries->cv.wait_for(lock, options.produce_timeout,
                            [&] { return deliveries->pending == 0; });
    PublishOutcome outcome;
    while (outcome.delivered < rows.size() && deliveries->status[outcome.delivered] == 1) {
      ++outcome.delivered;
    }
    if (outcome.delivered < rows.size()) {
      const size_t first = outcome.delivered;
      outcome.error = deliveries->status[first] == 0 ? std::string("no acknowledgement in time")
                                                     : deliveries->errors[first];
      outcome.permanent = deliveries->status[first] == -1 && deliveries->permanent[first];
      spdlog::warn("outbox relay: event {} to {} not delivered ({}{}); {} of {} rows kept",
                   rows[first].id, rows[first].topic, outcome.error,
                   outcome.permanent ? ", permanent" : "", rows.size() - first, rows.size());
      failures.fetch_add(1);
    }
    return outcome;
  }

  // Waits up to poll_interval for a wake-up: a commit of this process's writers (the waker), a
  // NOTIFY from another process's, or Stop(). Notifications that arrived during the last
  // statements are already buffered by libpq: those count without waiting.
  void AwaitWake(pqxx::connection& conn) {
    if (conn.get_notifs() > 0) return;
    pollfd fds[2] = {{conn.sock(), POLLIN, 0}, {waker.fd(), POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(options.poll_interval.count()));
    if (ready <= 0) return;
    if (fds[1].revents != 0) waker.Drain();
    if (fds[0].revents != 0) conn.get_notifs();
  }

  // Leaving the connection: with an error, close it, so that the session (and the lock, should
  // it still be held) ends here and never goes back to the pool.
  struct LeaveGuard {
    Impl& impl;
    Session& s;
    bool clean = false;
    ~LeaveGuard() {
      impl.Lead(false);
      impl.ZeroGauges();
      if (!clean) {
        s.leads = false;
        s.conn.disconnect();
      }
    }
  };

  void Run(std::stop_token stop) {
    milliseconds backoff = options.poll_interval;
    while (!stop.stop_requested()) {
      try {
        pool.WithConnection([&](pqxx::connection& conn) {
          Session s{conn};
          LeaveGuard guard{*this, s};
          std::string channel;
          {
            pqxx::nontransaction q(conn);
            const pqxx::row r = q.exec1(kSessionSql);
            LookUpMetrics(r[0].as<std::string>());
            channel = r[1].as<std::string>();
          }
          // LISTEN only while leading: a relay that does not lead has nothing to be woken for.
          std::optional<WakeReceiver> listening;
          while (!stop.stop_requested()) {
            if (!s.leads) TryLead(s);
            if (s.leads && !listening) listening.emplace(conn, channel);
            BatchOutcome outcome;
            if (s.leads) {
              Measure(s);
              outcome = RelayBatch(s);
            }
            if (outcome.stalled()) {
              // Kafka trouble: back off, keep the connection (and the lead).
              if (!internal::SleepUnlessStopped(backoff, stop)) break;
              backoff = std::min(backoff * 2, options.max_error_backoff);
              continue;
            }
            backoff = options.poll_interval;
            // More waiting: a batch carried over, or rows after a parked one. A batch that
            // carried nothing over found the outbox empty; a later commit NOTIFYs.
            if (outcome.parked > 0 || !s.next.empty()) continue;
            AwaitWake(conn);
          }
          listening.reset();
          Drain(s);
          Resign(s);  // now, so another instance takes over without waiting for this session
          guard.clean = true;
        });
      } catch (const std::exception& e) {
        failures.fetch_add(1);
        Lead(false);
        spdlog::warn("outbox relay: {}; retrying in {} ms", e.what(), backoff.count());
        internal::SleepUnlessStopped(backoff, stop);
        backoff = std::min(backoff * 2, options.max_error_backoff);
      }
    }
  }

  // Relays what is left when asked to stop, bounded in time; a relay that does not lead
  // leaves the rows to the instance that does.
  void Drain(Session& s) {
    if (!s.leads) TryLead(s);
    if (!s.leads) return;
    auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      BatchOutcome outcome = RelayBatch(s);
      if (outcome.rows == 0 || outcome.stalled()) break;
    }
  }
};

OutboxRelay::OutboxRelay(pg::Pool& pool, Producer& producer, OutboxRelayOptions options)
    : impl_(std::make_unique<Impl>(pool, producer, std::move(options))) {
  if (impl_->options.batch_size < 1) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed", "batch_size must be >= 1");
  }
  if (impl_->options.park_after < 1) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed", "park_after must be >= 1");
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
  impl_->waker.Wake();  // out of its wait now, not at the next poll
  impl_->thread.join();
}

uint64_t OutboxRelay::relayed() const { return impl_->relayed.load(); }
uint64_t OutboxRelay::failures() const { return impl_->failures.load(); }
uint64_t OutboxRelay::parked() const { return impl_->parked.load(); }
bool OutboxRelay::leader() const { return impl_->leader.load(); }

}  // namespace livedrop::kafka
