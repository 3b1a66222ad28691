#include "livedrop/kafka/outbox.h"

#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/mock_cluster.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/migrations.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/servers.h"
#include "test_util.h"

namespace livedrop::kafka {
namespace {

using std::chrono::milliseconds;
using testing::WaitFor;

constexpr char kTopic[] = "livedrop.outboxtest";

events::v1::Envelope Event(const std::string& subject, const std::string& text) {
  google::protobuf::StringValue payload;
  payload.set_value(text);
  return MakeEnvelope("test_event", "outbox-test", subject, payload);
}

// Everything read back from the topic, in arrival order.
class TopicReader {
 public:
  TopicReader(const MockCluster& cluster, const std::string& group) {
    ConsumerOptions o;
    o.brokers = cluster.BootstrapServers();
    o.group_id = group;
    o.topics = {kTopic};
    o.settings["session.timeout.ms"] = "6000";
    consumer_ = std::make_unique<Consumer>(std::move(o));
    consumer_->Start([this](const Message& m) {
      std::lock_guard lock(mu_);
      events_.push_back(ParseEnvelope(m.payload));
      keys_.push_back(m.key);
    });
  }
  ~TopicReader() { consumer_->Stop(); }

  std::vector<events::v1::Envelope> Events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  size_t Size() const {
    std::lock_guard lock(mu_);
    return events_.size();
  }
  std::vector<std::string> Keys() const {
    std::lock_guard lock(mu_);
    return keys_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<events::v1::Envelope> events_;
  std::vector<std::string> keys_;
  std::unique_ptr<Consumer> consumer_;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = livedrop::testing::PostgresServer::Shared().CreateDatabase();
    pool_ = std::make_unique<pg::Pool>(pg::PoolOptions{url_, "outboxtest", 8});
    pg::Migrate(*pool_, "outbox", OutboxMigrations());
    cluster_.CreateTopic(kTopic, 3);
    ProducerOptions po;
    po.brokers = cluster_.BootstrapServers();
    po.client_id = "outbox-test";
    producer_ = std::make_unique<Producer>(po);
  }

  int64_t ParkedRows() {
    return pool_->Transact([](pqxx::work& tx) {
      return tx.exec1("SELECT count(*) FROM outbox_parked")[0].as<int64_t>();
    });
  }

  int64_t OutboxRows() {
    return pool_->Transact(
        [](pqxx::work& tx) { return tx.exec1("SELECT count(*) FROM outbox")[0].as<int64_t>(); });
  }

  // A relay that leads and waits for a wake-up, polling only every 2 s: only a wake-up can
  // explain a row relayed sooner. The producer is warmed up (metadata, producer id) as a running
  // service's would be.
  std::unique_ptr<OutboxRelay> StartWaitingRelay() {
    OutboxRelayOptions options = FastRelay();
    options.poll_interval = milliseconds(2000);
    producer_->ProduceSync(kTopic, "warm-up", "x", milliseconds(5000));
    auto relay = std::make_unique<OutboxRelay>(*pool_, *producer_, options);
    relay->Start();
    EXPECT_TRUE(WaitFor([&] { return relay->leader(); }));
    livedrop::testing::Idle(milliseconds(300), "the relay is now waiting");
    return relay;
  }

  OutboxRelayOptions FastRelay() {
    OutboxRelayOptions o;
    o.batch_size = 10;
    o.produce_timeout = milliseconds(3000);
    o.max_error_backoff = milliseconds(200);
    return o;
  }

  std::string url_;
  MockCluster cluster_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(OutboxTest, Migrations_ApplyOnceAndCreateTable) {
  EXPECT_EQ(pg::Migrate(*pool_, "outbox", OutboxMigrations()), 0);
  EXPECT_EQ(OutboxRows(), 0);
}

TEST_F(OutboxTest, EnqueueEvent_NonUuidId_Rejected) {
  auto e = Event("s", "x");
  e.set_id("not-a-uuid");
  EXPECT_THROW(pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, e); }), Error);
  EXPECT_EQ(OutboxRows(), 0);
}

TEST_F(OutboxTest, CommittedEventArrives_RolledBackEventNever) {
  auto rolled_back = Event("drop-1", "rolled back");
  EXPECT_THROW(pool_->Transact([&](pqxx::work& tx) {
    EnqueueEvent(tx, kTopic, rolled_back);
    throw std::runtime_error("business rule failed");
  }),
               std::runtime_error);
  auto committed = Event("drop-1", "committed");
  pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, committed); });

  TopicReader reader(cluster_, "committed-reader");
  OutboxRelay relay(*pool_, *producer_, FastRelay());
  relay.Start();
  ASSERT_TRUE(WaitFor([&] { return reader.Size() >= 1; }));
  ASSERT_TRUE(WaitFor([&] { return OutboxRows() == 0; }));
  livedrop::testing::Idle(milliseconds(500), "anything else the relay would publish has arrived");
  relay.Stop();

  auto events = reader.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id(), committed.id());
  EXPECT_EQ(UnpackPayload<google::protobuf::StringValue>(events[0]).value(), "committed");
  EXPECT_EQ(reader.Keys()[0], "drop-1");
  EXPECT_EQ(relay.relayed(), 1u);
}

TEST_F(OutboxTest, EnqueueEvents_ManyInOneStatement_InOrderAndArriveIntactWithTheirKeys) {
  std::vector<events::v1::Envelope> batch;
  for (int i = 0; i < 5; ++i) {
    // What a text array must not mangle: a quote, a backslash, a NUL, a comma, braces (and
    // the envelope's own binary framing).
    const std::string tricky("\"q\\\0,{}", 7);
    batch.push_back(Event("order-" + std::to_string(i), tricky + std::to_string(i)));
  }
  pool_->Transact([&](pqxx::work& tx) {
    EnqueueEvents(tx, kTopic, batch);
    EnqueueEvents(tx, kTopic, {});  // nothing written
  });
  const auto ids = pool_->AutoCommit([](pqxx::nontransaction& tx) {
    std::vector<std::string> out;
    for (const auto& row : tx.exec("SELECT id::text FROM outbox ORDER BY seq")) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  });
  ASSERT_EQ(ids.size(), 5u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], batch[i].id());

  TopicReader reader(cluster_, "batch-reader");
  OutboxRelay relay(*pool_, *producer_, FastRelay());
  relay.Start();
  ASSERT_TRUE(WaitFor([&] { return reader.Size() >= 5; }));
  relay.Stop();
  const auto events = reader.Events();
  ASSERT_EQ(events.size(), 5u);
  std::map<std::string, std::pair<std::string, std::string>> arrived;  // id -> key, payload
  for (std::size_t i = 0; i < events.size(); ++i) {
    arrived[events[i].id()] = {reader.Keys()[i],
                               UnpackPayload<google::protobuf::StringValue>(events[i]).value()};
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE(arrived.count(batch[i].id()));
    EXPECT_EQ(arrived[batch[i].id()].first, "order-" + std::to_string(i));
    EXPECT_EQ(arrived[batch[i].id()].second,
              UnpackPayload<google::protobuf::StringValue>(batch[i]).value());
  }
}

TEST_F(OutboxTest, EnqueueEvents_OneNonUuidId_WritesNothing) {
  auto bad = Event("order-1", "x");
  bad.set_id("not-a-uuid");
  EXPECT_THROW(pool_->Transact([&](pqxx::work& tx) {
    EnqueueEvents(tx, kTopic, {Event("order-0", "fine"), bad});
  }),
               Error);
  EXPECT_EQ(OutboxRows(), 0);
}

TEST_F(OutboxTest, RunningRelay_WakesOnCommit_WithinLatencyBudget) {
  TopicReader reader(cluster_, "latency-reader");
  OutboxRelayOptions options = FastRelay();
  options.poll_interval = milliseconds(2000);  // so only NOTIFY can explain a fast relay
  // Warm the producer up (metadata, producer id) as a running service's would be.
  producer_->ProduceSync(kTopic, "warm-up", "x", milliseconds(5000));
  OutboxRelay relay(*pool_, *producer_, options);
  relay.Start();
  ASSERT_TRUE(WaitFor([&] { return relay.leader(); }));
  livedrop::testing::Idle(milliseconds(300), "the relay is now waiting on the connection");

  std::chrono::steady_clock::time_point started;
  pool_->WithConnection([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    EnqueueEvent(tx, kTopic, Event("drop-9", "live"));
    started = std::chrono::steady_clock::now();
    tx.commit();
  });
  livedrop::testing::Eventually([&] { return relay.relayed() >= 1; }, milliseconds(5000),
                                milliseconds(1));
  auto latency = std::chrono::steady_clock::now() - started;
  // The budget for drop_started end to end is 250 ms; the relay's share must be far below.
  EXPECT_LT(latency, milliseconds(250)) << "relay waited for its poll instead of NOTIFY";
  std::cout << "commit to Kafka ack: "
            << std::chrono::duration_cast<std::chrono::microseconds>(latency).count() << " us\n";
  relay.Stop();
}

// A session LISTENing on the test schema's outbox channel, counting the NOTIFYs it gets.
class ChannelListener {
 public:
  explicit ChannelListener(const std::string& url) : conn_(url), receiver_(conn_, *this) {}
  // Notifications received within `wait`.
  int Received(milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) conn_.await_notification(0, 20'000);
    return count_;
  }

 private:
  struct Receiver : pqxx::notification_receiver {
    Receiver(pqxx::connection& c, ChannelListener& l)
        : pqxx::notification_receiver(c, "livedrop_outbox_outboxtest"), listener(l) {}
    void operator()(const std::string&, int) override { ++listener.count_; }
    ChannelListener& listener;
  };
  pqxx::connection conn_;
  Receiver receiver_;
  int count_ = 0;
};

// How long a write through `pool` (committed by `write`) takes to be relayed by `relay`.
template <class Write>
std::chrono::steady_clock::duration TimeToRelay(OutboxRelay& relay, Write write) {
  const uint64_t before = relay.relayed();
  const auto started = std::chrono::steady_clock::now();
  write();
  livedrop::testing::Eventually([&] { return relay.relayed() > before; }, milliseconds(5000),
                                milliseconds(1));
  return std::chrono::steady_clock::now() - started;
}

TEST_F(OutboxTest, WriteThroughTheLeadingRelaysPool_WakesItInProcess_WithoutANotify) {
  TopicReader reader(cluster_, "in-process-reader");
  auto relay = StartWaitingRelay();
  ChannelListener listener(url_);

  const auto in_transaction = TimeToRelay(*relay, [&] {
    pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, Event("drop-1", "a")); });
  });
  const auto autocommitted = TimeToRelay(*relay, [&] {
    pool_->AutoCommit([&](pqxx::nontransaction& tx) {
      EnqueueEvents(tx, kTopic, {Event("drop-2", "b"), Event("drop-3", "c")});
    });
  });
  EXPECT_LT(in_transaction, milliseconds(250)) << "the relay waited for its poll";
  EXPECT_LT(autocommitted, milliseconds(250)) << "the relay waited for its poll";
  EXPECT_EQ(listener.Received(milliseconds(300)), 0)
      << "a NOTIFY was sent although the relay that leads is in this process";
  livedrop::testing::Eventually([&] { return reader.Size() >= 4; }, milliseconds(5000));
  relay->Stop();
}

TEST_F(OutboxTest, WriteThroughAnotherPool_NotifiesTheRelayThatLeads) {
  auto relay = StartWaitingRelay();
  ChannelListener listener(url_);
  // Another process's writes, as far as this one's relay can tell.
  pg::Pool elsewhere(pg::PoolOptions{url_, "outboxtest", 2});

  const auto latency = TimeToRelay(*relay, [&] {
    elsewhere.Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, Event("drop-4", "d")); });
  });
  EXPECT_LT(latency, milliseconds(250)) << "the relay waited for its poll instead of NOTIFY";
  EXPECT_EQ(listener.Received(milliseconds(300)), 1);
  relay->Stop();
}

TEST_F(OutboxTest, TwoRelays_DeliverEachRowOnce_InPerKeyOrder) {
  TopicReader reader(cluster_, "two-relays-reader");
  OutboxRelay first(*pool_, *producer_, FastRelay());
  Producer second_producer(ProducerOptions{cluster_.BootstrapServers(), "outbox-test-2"});
  OutboxRelay second(*pool_, second_producer, FastRelay());
  first.Start();
  second.Start();

  constexpr int kKeys = 5;
  constexpr int kPerKey = 20;
  std::map<std::string, std::vector<std::string>> sent;  // key -> ids in order
  for (int i = 0; i < kPerKey; ++i) {
    for (int k = 0; k < kKeys; ++k) {
      std::string key = "drop-" + std::to_string(k);
      auto e = Event(key, std::to_string(i));
      pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, e); });
      sent[key].push_back(e.id());
    }
  }
  ASSERT_TRUE(WaitFor([&] { return reader.Size() >= kKeys * kPerKey; }))
      << reader.Size() << " of " << kKeys * kPerKey;
  livedrop::testing::Idle(milliseconds(500), "a duplicate would have arrived by now");
  first.Stop();
  second.Stop();

  std::map<std::string, std::vector<std::string>> got;
  for (const auto& e : reader.Events()) got[e.subject()].push_back(e.id());
  EXPECT_EQ(got, sent);  // no duplicates, nothing missing, per-key order kept
  EXPECT_EQ(first.relayed() + second.relayed(), static_cast<uint64_t>(kKeys * kPerKey));
  EXPECT_EQ(OutboxRows(), 0);
}

// Commits in this test's database, as pg_stat_database counts them. A session's counts are
// flushed there by the time it leaves pg_stat_activity, so the count is read once no session
// is left; the looks are made from the admin database, so they count elsewhere.
class DatabaseCommits {
 public:
  explicit DatabaseCommits(std::string database)
      : database_(std::move(database)),
        admin_(livedrop::testing::PostgresServer::Shared().AdminUrl()) {}

  bool NoSessionLeft() {
    pqxx::nontransaction q(admin_);
    return q.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", database_)[0]
               .as<int64_t>() == 0;
  }
  int64_t Count() {
    pqxx::nontransaction q(admin_);
    return q
        .exec_params1("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", database_)[0]
        .as<int64_t>();
  }

 private:
  std::string database_;
  pqxx::connection admin_;
};

TEST_F(OutboxTest, BusyRelay_OneCommitPerBatch_DeletesAndReadsTheNextTogether) {
  constexpr int kBatch = 5;
  constexpr int kBatches = 60;
  std::vector<events::v1::Envelope> events;
  std::map<std::string, std::vector<std::string>> sent;  // key -> ids in order
  for (int i = 0; i < kBatch * kBatches; ++i) {
    const std::string key = "drop-11-" + std::to_string(i % 7);
    events.push_back(Event(key, std::to_string(i)));
    sent[key].push_back(events.back().id());
  }
  pool_->Transact([&](pqxx::work& tx) { EnqueueEvents(tx, kTopic, events); });
  const auto database = pool_->AutoCommit([](pqxx::nontransaction& tx) {
    return tx.exec1("SELECT current_database()")[0].as<std::string>();
  });
  pool_.reset();  // its sessions end: what they committed is counted before the relay starts
  DatabaseCommits commits(database);
  ASSERT_TRUE(WaitFor([&] { return commits.NoSessionLeft(); }));
  const int64_t before = commits.Count();

  TopicReader reader(cluster_, "busy-reader");
  {
    pg::Pool relay_pool(pg::PoolOptions{url_, "outboxtest", 2});
    OutboxRelayOptions options = FastRelay();
    options.batch_size = kBatch;
    options.metrics_interval = std::chrono::hours(1);  // one measurement, not one per second
    OutboxRelay relay(relay_pool, *producer_, options);
    relay.Start();
    ASSERT_TRUE(WaitFor([&] {
      return relay.relayed() >= static_cast<uint64_t>(kBatch * kBatches);
    })) << relay.relayed();
    relay.Stop();
    EXPECT_EQ(relay.relayed(), static_cast<uint64_t>(kBatch * kBatches));
  }
  ASSERT_TRUE(WaitFor([&] { return commits.NoSessionLeft(); }));
  const int64_t made = commits.Count() - before;
  std::cout << "commits for " << kBatches << " batches, start-up and shut-down included: " << made
            << "\n";
  // One per batch, plus a dozen or so to connect, lead, listen, measure, read first, look
  // while idle, drain and resign (and autovacuum's): 72-77 measured. Reading and deleting
  // apart costs two per batch, never fewer than 120 (136 measured).
  EXPECT_LT(made, kBatches * 7 / 4);
  EXPECT_GE(made, kBatches);

  ASSERT_TRUE(WaitFor([&] { return reader.Size() >= events.size(); })) << reader.Size();
  std::map<std::string, std::vector<std::string>> got;
  for (const auto& e : reader.Events()) got[e.subject()].push_back(e.id());
  EXPECT_EQ(got, sent);  // every row once, per-key order kept across carried-over batches
}

TEST_F(OutboxTest, KafkaDown_RowsStayAndAreRelayedWhenItReturns) {
  pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, Event("drop-3", "x")); });
  ProducerOptions po;
  po.brokers = cluster_.BootstrapServers();
  po.delivery_timeout = milliseconds(1000);
  Producer producer(po);
  cluster_.SetBrokerDown(1);
  OutboxRelayOptions options = FastRelay();
  options.produce_timeout = milliseconds(1500);
  options.park_after = 1;  // a transient failure must not count, however eager the parking
  OutboxRelay relay(*pool_, producer, options);
  relay.Start();
  ASSERT_TRUE(WaitFor([&] { return relay.failures() >= 2; }));
  EXPECT_EQ(OutboxRows(), 1);
  EXPECT_EQ(ParkedRows(), 0);
  EXPECT_EQ(relay.parked(), 0u);
  EXPECT_EQ(relay.relayed(), 0u);

  cluster_.SetBrokerUp(1);
  ASSERT_TRUE(WaitFor([&] { return OutboxRows() == 0; }));
  EXPECT_EQ(relay.relayed(), 1u);
  relay.Stop();
}

// What an operator would scrape: the value of `name{schema="outboxtest"}` in /metrics, NaN
// when the series is not there.
double MetricValue(const std::string& name) {
  const std::string text = metrics::Registry::Default().Render();
  const std::string prefix = "\n" + name + "{schema=\"outboxtest\"} ";
  const auto at = text.find(prefix);
  if (at == std::string::npos) return NAN;
  return std::stod(text.substr(at + prefix.size()));
}

TEST_F(OutboxTest, PermanentlyRefusedRow_ParkedAfterParkAfterAttempts_LaterRowsFlowInOrder) {
  // A producer that takes at most 1000 bytes: a larger message is refused at produce time
  // (MSG_SIZE_TOO_LARGE) however often it is tried.
  ProducerOptions po;
  po.brokers = cluster_.BootstrapServers();
  po.client_id = "outbox-test-small";
  po.settings["message.max.bytes"] = "1000";
  Producer small(po);
  const auto before = Event("drop-5", "before");
  const auto oversized = Event("drop-5", std::string(4000, 'x'));
  const auto after = Event("drop-5", "after");
  const auto other = Event("drop-6", "other key");
  for (const auto* e : {&before, &oversized, &after, &other}) {
    pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, *e); });
  }
  const double parked_total_before = MetricValue("livedrop_outbox_parked_total");

  TopicReader reader(cluster_, "parking-reader");
  OutboxRelayOptions options = FastRelay();
  options.park_after = 3;
  options.metrics_interval = milliseconds(50);
  OutboxRelay relay(*pool_, small, options);
  relay.Start();
  ASSERT_TRUE(WaitFor([&] { return reader.Size() >= 3; }, milliseconds(20000)))
      << reader.Size() << " of 3 arrived: the refused row holds the later ones back";
  ASSERT_TRUE(WaitFor([&] { return OutboxRows() == 0; }));
  ASSERT_TRUE(WaitFor([&] { return MetricValue("livedrop_outbox_parked") == 1; }))
      << MetricValue("livedrop_outbox_parked");
  livedrop::testing::Idle(milliseconds(300), "a duplicate would have arrived by now");
  relay.Stop();

  std::map<std::string, std::vector<std::string>> got;  // key -> ids in arrival order
  for (const auto& e : reader.Events()) got[e.subject()].push_back(e.id());
  EXPECT_EQ(got["drop-5"], (std::vector<std::string>{before.id(), after.id()}));
  EXPECT_EQ(got["drop-6"], std::vector<std::string>{other.id()});

  const auto parked = pool_->AutoCommit([](pqxx::nontransaction& tx) {
    return tx.exec(
        "SELECT id::text, attempts, error, parked_at IS NOT NULL, length(payload) "
        "FROM outbox_parked");
  });
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0][0].as<std::string>(), oversized.id());
  EXPECT_EQ(parked[0][1].as<int>(), 3);
  EXPECT_NE(parked[0][2].as<std::string>().find("too large"), std::string::npos)
      << parked[0][2].as<std::string>();
  EXPECT_TRUE(parked[0][3].as<bool>());
  EXPECT_GT(parked[0][4].as<int>(), 4000);
  EXPECT_EQ(relay.parked(), 1u);
  EXPECT_EQ(relay.failures(), 3u);  // one per attempt, parked on the third
  EXPECT_EQ(relay.relayed(), 3u);
  const double total_before = std::isnan(parked_total_before) ? 0 : parked_total_before;
  EXPECT_EQ(MetricValue("livedrop_outbox_parked_total"), total_before + 1);

  // The replay an operator runs (outbox.h, docs/ARCHITECTURE.md) moves it back, whole.
  pool_->AutoCommit([&](pqxx::nontransaction& tx) {
    tx.exec_params(
        "WITH r AS (DELETE FROM outbox_parked WHERE id = $1 "
        "           RETURNING id, topic, key, event_type, payload) "
        "INSERT INTO outbox (id, topic, key, event_type, payload) SELECT * FROM r",
        oversized.id());
  });
  EXPECT_EQ(ParkedRows(), 0);
  const auto back = pool_->AutoCommit([](pqxx::nontransaction& tx) {
    return tx.exec1("SELECT id::text, key, length(payload) FROM outbox");
  });
  EXPECT_EQ(back[0].as<std::string>(), oversized.id());
  EXPECT_EQ(back[1].as<std::string>(), "drop-5");
  EXPECT_EQ(back[2].as<int>(), parked[0][4].as<int>());
}

TEST_F(OutboxTest, WaitingForKafkaAcknowledgements_NoTransactionOpen_LockStillHeld) {
  ProducerOptions po;
  po.brokers = cluster_.BootstrapServers();
  po.client_id = "outbox-test-unacked";
  po.delivery_timeout = milliseconds(20000);  // librdkafka keeps the message; the relay waits
  Producer producer(po);
  cluster_.SetBrokerDown(1);
  pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, Event("drop-7", "waits")); });
  OutboxRelayOptions options = FastRelay();
  options.produce_timeout = milliseconds(4000);
  OutboxRelay relay(*pool_, producer, options);
  relay.Start();
  // Produced: from here the relay waits for an acknowledgement that cannot come.
  ASSERT_TRUE(WaitFor([&] { return producer.OutQueueLength() >= 1; }));

  // The session holding the relay's lock, and any transaction open in this database.
  constexpr const char* kLookSql =
      "SELECT (SELECT string_agg(a.state || CASE WHEN a.xact_start IS NULL THEN '' "
      "                          ELSE ' (transaction open)' END, ', ') "
      "          FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "         WHERE l.locktype = 'advisory' AND l.granted "
      "           AND a.datname = current_database()), "
      "       (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
      "           AND pid <> pg_backend_pid() AND xact_start IS NOT NULL)";
  int looks = 0;
  const auto until = std::chrono::steady_clock::now() + milliseconds(1500);
  while (std::chrono::steady_clock::now() < until) {
    const auto [holder, open] = pool_->AutoCommit([&](pqxx::nontransaction& tx) {
      const pqxx::row r = tx.exec1(kLookSql);
      return std::make_pair(r[0].is_null() ? std::string("nobody") : r[0].as<std::string>(),
                            r[1].as<int64_t>());
    });
    ASSERT_EQ(holder, "idle") << "the relay's connection while it waits for Kafka";
    ASSERT_EQ(open, 0) << "transactions open in the relay's database";
    ++looks;
    livedrop::testing::Idle(milliseconds(100), "looking again while the relay still waits");
  }
  EXPECT_GE(looks, 5);
  EXPECT_EQ(relay.relayed(), 0u) << "the looks were not all taken during the wait";

  cluster_.SetBrokerUp(1);
  ASSERT_TRUE(WaitFor([&] { return OutboxRows() == 0; }));
  relay.Stop();
}

TEST_F(OutboxTest, DepthAndAgeMetrics_ReflectWaitingRows) {
  ProducerOptions po;
  po.brokers = cluster_.BootstrapServers();
  po.client_id = "outbox-test-metrics";
  po.delivery_timeout = milliseconds(1000);
  Producer producer(po);
  cluster_.SetBrokerDown(1);
  for (int i = 0; i < 3; ++i) {
    pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, Event("drop-8", "x")); });
  }
  pool_->AutoCommit([](pqxx::nontransaction& tx) {
    tx.exec("UPDATE outbox SET created_at = now() - interval '90 seconds'");
  });
  OutboxRelayOptions options = FastRelay();
  options.produce_timeout = milliseconds(1500);
  options.metrics_interval = milliseconds(100);
  OutboxRelay relay(*pool_, producer, options);
  relay.Start();
  ASSERT_TRUE(WaitFor(
      [&] {
        return MetricValue("livedrop_outbox_depth") == 3 &&
               MetricValue("livedrop_outbox_oldest_age_seconds") >= 90;
      },
      milliseconds(10000)))
      << "depth " << MetricValue("livedrop_outbox_depth") << ", age "
      << MetricValue("livedrop_outbox_oldest_age_seconds");
  EXPECT_LT(MetricValue("livedrop_outbox_oldest_age_seconds"), 150);
  EXPECT_EQ(MetricValue("livedrop_outbox_parked"), 0);

  cluster_.SetBrokerUp(1);
  ASSERT_TRUE(WaitFor([&] {
    return MetricValue("livedrop_outbox_depth") == 0 &&
           MetricValue("livedrop_outbox_oldest_age_seconds") == 0;
  })) << "depth "
      << MetricValue("livedrop_outbox_depth") << ", age "
      << MetricValue("livedrop_outbox_oldest_age_seconds");
  EXPECT_EQ(OutboxRows(), 0);
  relay.Stop();
}

TEST_F(OutboxTest, LeaderSessionEnds_AnotherSessionLeads_RowsStillFlow) {
  TopicReader reader(cluster_, "takeover-reader");
  OutboxRelay first(*pool_, *producer_, FastRelay());
  Producer second_producer(ProducerOptions{cluster_.BootstrapServers(), "outbox-test-2"});
  OutboxRelay second(*pool_, second_producer, FastRelay());
  first.Start();
  second.Start();
  constexpr const char* kHolderSql =
      "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()";
  auto holders = [&] {
    return pool_->AutoCommit([&](pqxx::nontransaction& tx) {
      std::vector<int> pids;
      for (const auto& r : tx.exec(kHolderSql)) pids.push_back(r[0].as<int>());
      return pids;
    });
  };
  ASSERT_TRUE(WaitFor([&] { return holders().size() == 1; }));
  const int old_leader = holders()[0];
  EXPECT_NE(first.leader(), second.leader());

  pool_->AutoCommit([&](pqxx::nontransaction& tx) {
    tx.exec_params("SELECT pg_terminate_backend($1)", old_leader);
  });
  ASSERT_TRUE(WaitFor([&] {
    const auto now = holders();
    return now.size() == 1 && now[0] != old_leader;
  }));
  const auto e = Event("drop-10", "after the take-over");
  pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, e); });
  ASSERT_TRUE(WaitFor([&] { return reader.Size() >= 1; }));
  ASSERT_TRUE(WaitFor([&] { return first.leader() != second.leader(); }));
  first.Stop();
  second.Stop();
  EXPECT_EQ(reader.Events()[0].id(), e.id());
  EXPECT_TRUE(holders().empty()) << "Stop() gives the lock back";
}

}  // namespace
}  // namespace livedrop::kafka
