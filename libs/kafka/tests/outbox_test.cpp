#include "livedrop/kafka/outbox.h"

#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
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

  int64_t OutboxRows() {
    return pool_->Transact(
        [](pqxx::work& tx) { return tx.exec1("SELECT count(*) FROM outbox")[0].as<int64_t>(); });
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

TEST_F(OutboxTest, KafkaDown_RowsStayAndAreRelayedWhenItReturns) {
  pool_->Transact([&](pqxx::work& tx) { EnqueueEvent(tx, kTopic, Event("drop-3", "x")); });
  ProducerOptions po;
  po.brokers = cluster_.BootstrapServers();
  po.delivery_timeout = milliseconds(1000);
  Producer producer(po);
  cluster_.SetBrokerDown(1);
  OutboxRelayOptions options = FastRelay();
  options.produce_timeout = milliseconds(1500);
  OutboxRelay relay(*pool_, producer, options);
  relay.Start();
  ASSERT_TRUE(WaitFor([&] { return relay.failures() >= 1; }));
  EXPECT_EQ(OutboxRows(), 1);
  EXPECT_EQ(relay.relayed(), 0u);

  cluster_.SetBrokerUp(1);
  ASSERT_TRUE(WaitFor([&] { return OutboxRows() == 0; }));
  EXPECT_EQ(relay.relayed(), 1u);
  relay.Stop();
}

}  // namespace
}  // namespace livedrop::kafka
