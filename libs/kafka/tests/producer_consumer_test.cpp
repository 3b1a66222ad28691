#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/mock_cluster.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/metrics/registry.h"
#include "test_util.h"

namespace livedrop::kafka {
namespace {

using std::chrono::milliseconds;
using testing::WaitFor;

// Collects what a handler saw, thread-safely.
class Received {
 public:
  void Add(const Message& m) {
    std::lock_guard lock(mu_);
    messages_.push_back(m);
  }
  std::vector<Message> Snapshot() const {
    std::lock_guard lock(mu_);
    return messages_;
  }
  size_t Size() const {
    std::lock_guard lock(mu_);
    return messages_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<Message> messages_;
};

ProducerOptions ProducerFor(const MockCluster& cluster) {
  ProducerOptions o;
  o.brokers = cluster.BootstrapServers();
  o.client_id = "test-producer";
  return o;
}

ConsumerOptions ConsumerFor(const MockCluster& cluster, std::string group,
                            std::vector<std::string> topics) {
  ConsumerOptions o;
  o.brokers = cluster.BootstrapServers();
  o.group_id = std::move(group);
  o.topics = std::move(topics);
  o.client_id = "test-consumer";
  o.retry_initial_backoff = milliseconds(20);
  o.retry_max_backoff = milliseconds(100);
  // The mock coordinator waits up to session.timeout.ms for known members on rejoin; the
  // 45 s default would make every restart test crawl.
  o.settings["session.timeout.ms"] = "6000";
  o.settings["heartbeat.interval.ms"] = "500";
  return o;
}

std::string HeaderValue(const Message& m, const std::string& name) {
  for (const auto& [key, value] : m.headers) {
    if (key == name) return value;
  }
  return "<missing>";
}

TEST(MockCluster, CreateTopic_Twice_ThrowsAlreadyExists) {
  MockCluster cluster;
  cluster.CreateTopic("twice", 1);
  try {
    cluster.CreateTopic("twice", 1);
    FAIL() << "second CreateTopic succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kAlreadyExists);
  }
}

TEST(ProducerConsumer, RoundTrip_KeysPayloadsAndPerKeyOrderPreserved) {
  MockCluster cluster(3);
  cluster.CreateTopic("livedrop.test", 3);
  Producer producer(ProducerFor(cluster));
  std::map<std::string, std::vector<std::string>> sent;  // key -> payloads in order
  for (int i = 0; i < 30; ++i) {
    std::string key = "key-" + std::to_string(i % 5);
    std::string payload = "payload-" + std::to_string(i);
    producer.ProduceSync("livedrop.test", key, payload, milliseconds(10000));
    sent[key].push_back(payload);
  }

  Received received;
  Consumer consumer(ConsumerFor(cluster, "round-trip", {"livedrop.test"}));
  EXPECT_EQ(consumer.assigned_partitions(), 0);
  consumer.Start([&](const Message& m) { received.Add(m); });
  ASSERT_TRUE(WaitFor([&] { return received.Size() >= 30; })) << received.Size();
  EXPECT_EQ(consumer.assigned_partitions(), 3);  // the only member owns every partition
  consumer.Stop();
  EXPECT_EQ(consumer.assigned_partitions(), 0);

  std::map<std::string, std::vector<std::string>> got;
  std::map<std::string, int32_t> partition_of_key;
  for (const Message& m : received.Snapshot()) {
    EXPECT_EQ(m.topic, "livedrop.test");
    got[m.key].push_back(m.payload);
    auto [it, inserted] = partition_of_key.emplace(m.key, m.partition);
    EXPECT_EQ(it->second, m.partition) << "key " << m.key << " spread over partitions";
  }
  EXPECT_EQ(got, sent);
  EXPECT_EQ(consumer.handled(), 30u);
}

// The offset lag a member reports: the messages not handled yet, down to 0 once it caught up.
TEST(ProducerConsumer, OffsetLag_CountsWhatIsNotHandledYetAndReturnsToZero) {
  MockCluster cluster;
  cluster.CreateTopic("lagging", 1);
  Producer producer(ProducerFor(cluster));
  for (int i = 0; i < 40; ++i) producer.ProduceSync("lagging", "k", "v", milliseconds(10000));
  auto options = ConsumerFor(cluster, "lag-group", {"lagging"});
  options.lag_interval = milliseconds(100);
  Consumer consumer(options);
  auto& lag = metrics::Registry::Default().GetGauge("livedrop_kafka_consumer_lag_messages", "",
                                                    {{"group", "lag-group"}, {"topic", "lagging"}});
  std::atomic<int> handled{0};
  consumer.Start([&](const Message&) {
    std::this_thread::sleep_for(milliseconds(40));  // slower than the statistics
    ++handled;
  });
  double most = 0;
  ASSERT_TRUE(WaitFor([&] {
    most = std::max(most, lag.Value());
    return handled.load() >= 40;
  }));
  EXPECT_GT(most, 5) << "the lag was never reported while 40 messages waited";
  EXPECT_LE(most, 40);
  EXPECT_TRUE(WaitFor([&] { return lag.Value() == 0; }, milliseconds(5000))) << lag.Value();
  consumer.Stop();
}

TEST(ProducerConsumer, Produce_Async_CallsDeliveryCallbackWithOffset) {
  MockCluster cluster;
  cluster.CreateTopic("async", 1);
  Producer producer(ProducerFor(cluster));
  std::mutex mu;
  std::vector<DeliveryResult> results;
  for (int i = 0; i < 3; ++i) {
    producer.Produce("async", "k", "v" + std::to_string(i), [&](const DeliveryResult& r) {
      std::lock_guard lock(mu);
      results.push_back(r);
    });
  }
  ASSERT_TRUE(producer.Flush(milliseconds(10000)));
  std::lock_guard lock(mu);
  ASSERT_EQ(results.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(results[i].ok) << results[i].error;
    EXPECT_EQ(results[i].offset, i);
  }
}

TEST(ProducerConsumer, Produce_LargerThanMessageMaxBytes_RejectedForGood) {
  MockCluster cluster;
  cluster.CreateTopic("limits", 1);
  ProducerOptions o = ProducerFor(cluster);
  o.settings["message.max.bytes"] = "1000";
  Producer producer(o);
  try {
    producer.Produce("limits", "k", std::string(4000, 'x'));
    FAIL() << "an oversized message was queued";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "message_rejected") << e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
  }
  // A broker that is down is not the message's fault: that stays a transient failure.
  cluster.SetBrokerDown(1);
  o.delivery_timeout = milliseconds(500);
  Producer unlucky(o);
  std::mutex mu;
  std::optional<DeliveryResult> result;
  unlucky.Produce("limits", "k", "small", [&](const DeliveryResult& r) {
    std::lock_guard lock(mu);
    result = r;
  });
  ASSERT_TRUE(testing::WaitFor([&] {
    std::lock_guard lock(mu);
    return result.has_value();
  }));
  std::lock_guard lock(mu);
  EXPECT_FALSE(result->ok);
  EXPECT_FALSE(result->permanent) << result->error;
}

TEST(ProducerConsumer, Headers_RoundTrip) {
  MockCluster cluster;
  cluster.CreateTopic("hdr", 1);
  Producer producer(ProducerFor(cluster));
  producer.ProduceSync("hdr", "k", "v", milliseconds(10000), {{"traceparent", "00-abc-01"}});
  Received received;
  Consumer consumer(ConsumerFor(cluster, "hdr-group", {"hdr"}));
  consumer.Start([&](const Message& m) { received.Add(m); });
  ASSERT_TRUE(WaitFor([&] { return received.Size() >= 1; }));
  consumer.Stop();
  EXPECT_EQ(HeaderValue(received.Snapshot()[0], "traceparent"), "00-abc-01");
}

TEST(Producer, ProduceSync_BrokerDown_ThrowsBrokerUnavailable) {
  MockCluster cluster;
  cluster.CreateTopic("down", 1);
  cluster.SetBrokerDown(1);
  ProducerOptions options = ProducerFor(cluster);
  options.delivery_timeout = milliseconds(1000);
  Producer producer(options);
  try {
    producer.ProduceSync("down", "k", "v", milliseconds(5000));
    FAIL() << "ProduceSync succeeded with the only broker down";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(e.code(), "broker_unavailable");
  }
}

TEST(Consumer, HandlerThrowsRetryable_OffsetNotCommittedAndRedeliveredAfterRestart) {
  MockCluster cluster;
  cluster.CreateTopic("retry", 1);
  Producer producer(ProducerFor(cluster));
  producer.ProduceSync("retry", "order-1", "first", milliseconds(10000));

  std::atomic<int> attempts{0};
  {
    Consumer failing(ConsumerFor(cluster, "retry-group", {"retry"}));
    failing.Start([&](const Message& m) {
      attempts.fetch_add(1);
      throw Error(ErrorKind::kUnavailable, "db_down", "database unavailable");
    });
    ASSERT_TRUE(WaitFor([&] { return attempts.load() >= 3; }));
    failing.Stop();
    EXPECT_GE(failing.retries(), 3u);
    EXPECT_EQ(failing.handled(), 0u);
    EXPECT_EQ(failing.dead_lettered(), 0u);
  }

  Received received;
  Consumer healthy(ConsumerFor(cluster, "retry-group", {"retry"}));
  healthy.Start([&](const Message& m) { received.Add(m); });
  ASSERT_TRUE(WaitFor([&] { return received.Size() >= 1; }))
      << "message was committed although its handler never succeeded";
  healthy.Stop();
  Message m = received.Snapshot()[0];
  EXPECT_EQ(m.offset, 0);
  EXPECT_EQ(m.key, "order-1");
  EXPECT_EQ(m.payload, "first");
}

TEST(Consumer, HandlerRetryableThenSucceeds_MessageHandledOnce) {
  MockCluster cluster;
  cluster.CreateTopic("flaky", 1);
  Producer producer(ProducerFor(cluster));
  producer.ProduceSync("flaky", "k", "v", milliseconds(10000));
  std::atomic<int> attempts{0};
  Consumer consumer(ConsumerFor(cluster, "flaky-group", {"flaky"}));
  consumer.Start([&](const Message&) {
    if (attempts.fetch_add(1) < 2) throw Error(ErrorKind::kDeadlineExceeded, "slow", "slow");
  });
  ASSERT_TRUE(WaitFor([&] { return consumer.handled() == 1; }));
  consumer.Stop();
  EXPECT_EQ(attempts.load(), 3);
  EXPECT_EQ(consumer.retries(), 2u);
}

TEST(Consumer, PoisonMessage_PublishedToDlqAndCommitted) {
  MockCluster cluster;
  cluster.CreateTopic("orders", 1);
  Producer producer(ProducerFor(cluster));
  producer.ProduceSync("orders", "bad-key", "bad", milliseconds(10000));
  producer.ProduceSync("orders", "good-key", "good", milliseconds(10000));

  Received handled;
  {
    Consumer consumer(ConsumerFor(cluster, "orders-group", {"orders"}));
    consumer.Start([&](const Message& m) {
      if (m.payload == "bad") throw std::runtime_error("cannot parse");
      handled.Add(m);
    });
    ASSERT_TRUE(WaitFor([&] { return handled.Size() >= 1; }));
    consumer.Stop();
    EXPECT_EQ(consumer.dead_lettered(), 1u);
  }
  EXPECT_EQ(handled.Snapshot()[0].payload, "good");

  Received dlq;
  Consumer dlq_reader(ConsumerFor(cluster, "dlq-reader", {"orders.dlq"}));
  dlq_reader.Start([&](const Message& m) { dlq.Add(m); });
  ASSERT_TRUE(WaitFor([&] { return dlq.Size() >= 1; }));
  dlq_reader.Stop();
  Message dead = dlq.Snapshot()[0];
  EXPECT_EQ(dead.key, "bad-key");
  EXPECT_EQ(dead.payload, "bad");
  EXPECT_EQ(HeaderValue(dead, "livedrop-dlq-topic"), "orders");
  EXPECT_EQ(HeaderValue(dead, "livedrop-dlq-offset"), "0");
  EXPECT_THAT(HeaderValue(dead, "livedrop-dlq-error"), ::testing::HasSubstr("cannot parse"));

  // Both were committed: a restarted member of the group starts after them.
  producer.ProduceSync("orders", "later-key", "later", milliseconds(10000));
  Received after;
  Consumer restarted(ConsumerFor(cluster, "orders-group", {"orders"}));
  restarted.Start([&](const Message& m) { after.Add(m); });
  ASSERT_TRUE(WaitFor([&] { return after.Size() >= 1; }));
  restarted.Stop();
  EXPECT_EQ(after.Snapshot()[0].payload, "later");
  EXPECT_EQ(after.Size(), 1u);
}

// Collects the batches a batch handler saw, thread-safely.
class Batches {
 public:
  void Add(std::span<const Message> batch) {
    std::lock_guard lock(mu_);
    batches_.emplace_back(batch.begin(), batch.end());
  }
  std::vector<std::vector<Message>> Snapshot() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  size_t Messages() const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& batch : batches_) n += batch.size();
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::vector<Message>> batches_;
};

// librdkafka hands a fetch over to the polling thread message by message, so the first poll
// can race it and see one message; messages already produced are all fetched while the first
// call lasts this long, and the calls after it see them together.
constexpr milliseconds kFirstCallLasts{300};

std::vector<std::string> Payloads(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.payload);
  return out;
}

void ProduceNumbered(Producer& producer, const std::string& topic, int n) {
  for (int i = 0; i < n; ++i) {
    producer.ProduceSync(topic, "k", "m" + std::to_string(i), milliseconds(10000));
  }
}

// What a new member of `group` receives once `marker` is produced after what it reads: every
// message the group committed is behind it.
std::vector<std::string> LeftForTheGroup(const MockCluster& cluster, Producer& producer,
                                         const std::string& group, const std::string& topic) {
  producer.ProduceSync(topic, "k", "marker", milliseconds(10000));
  Received after;
  Consumer restarted(ConsumerFor(cluster, group, {topic}));
  restarted.Start([&](const Message& m) { after.Add(m); });
  EXPECT_TRUE(WaitFor([&] {
    const auto got = after.Snapshot();
    return !got.empty() && got.back().payload == "marker";
  }));
  restarted.Stop();
  auto payloads = Payloads(after.Snapshot());
  payloads.pop_back();
  return payloads;
}

TEST(Consumer, Batches_MessagesAlreadyFetched_ComeInOneCallUpToMaxBatch_AllCommitted) {
  MockCluster cluster;
  cluster.CreateTopic("batched", 1);
  Producer producer(ProducerFor(cluster));
  ProduceNumbered(producer, "batched", 20);

  Batches batches;
  {
    auto options = ConsumerFor(cluster, "batched-group", {"batched"});
    options.max_batch = 8;
    Consumer consumer(options);
    consumer.StartBatches([&](std::span<const Message> batch) {
      batches.Add(batch);
      if (batches.Snapshot().size() == 1) std::this_thread::sleep_for(kFirstCallLasts);
    });
    ASSERT_TRUE(WaitFor([&] { return consumer.handled() == 20; })) << consumer.handled();
    consumer.Stop();
  }
  size_t largest = 0;
  std::vector<std::string> seen;
  for (const auto& batch : batches.Snapshot()) {
    largest = std::max(largest, batch.size());
    for (const auto& payload : Payloads(batch)) seen.push_back(payload);
  }
  EXPECT_EQ(largest, 8u) << "20 messages waiting: batches up to max_batch";
  std::vector<std::string> sent;
  for (int i = 0; i < 20; ++i) sent.push_back("m" + std::to_string(i));
  EXPECT_EQ(seen, sent) << "each once, in order";
  EXPECT_THAT(LeftForTheGroup(cluster, producer, "batched-group", "batched"), ::testing::IsEmpty());
}

TEST(Consumer, Batches_RetryableFailure_RetriesTheSameBatchAndLosesNothing) {
  MockCluster cluster;
  cluster.CreateTopic("batched-flaky", 1);
  Producer producer(ProducerFor(cluster));
  ProduceNumbered(producer, "batched-flaky", 10);

  Batches attempts, done;
  {
    Consumer consumer(ConsumerFor(cluster, "batched-flaky-group", {"batched-flaky"}));
    consumer.StartBatches([&](std::span<const Message> batch) {
      attempts.Add(batch);
      const size_t call = attempts.Snapshot().size();
      if (call == 1) std::this_thread::sleep_for(kFirstCallLasts);
      if (call == 2 || call == 3) throw Error(ErrorKind::kUnavailable, "db_down", "down");
      done.Add(batch);
    });
    ASSERT_TRUE(WaitFor([&] { return consumer.handled() == 10; })) << consumer.handled();
    consumer.Stop();
    EXPECT_EQ(consumer.retries(), 2u);
    EXPECT_EQ(consumer.dead_lettered(), 0u);
  }
  const auto tried = attempts.Snapshot();
  ASSERT_GE(tried.size(), 4u);
  EXPECT_GT(tried[1].size(), 1u) << "the failure should be a batch's";
  EXPECT_EQ(Payloads(tried[2]), Payloads(tried[1]));
  EXPECT_EQ(Payloads(tried[3]), Payloads(tried[1]));
  std::vector<std::string> handled;
  for (const auto& batch : done.Snapshot()) {
    for (const auto& payload : Payloads(batch)) handled.push_back(payload);
  }
  std::vector<std::string> sent;
  for (int i = 0; i < 10; ++i) sent.push_back("m" + std::to_string(i));
  EXPECT_EQ(handled, sent);
  EXPECT_THAT(LeftForTheGroup(cluster, producer, "batched-flaky-group", "batched-flaky"),
              ::testing::IsEmpty());
}

TEST(Consumer, Batches_PoisonMessageInABatch_DeadLetteredAlone_OthersHandledOnceEach) {
  MockCluster cluster;
  cluster.CreateTopic("batched-orders", 1);
  Producer producer(ProducerFor(cluster));
  for (const char* payload : {"a", "b", "bad", "c", "d"}) {
    producer.ProduceSync("batched-orders", "k", payload, milliseconds(10000));
  }

  Batches calls, done;
  {
    Consumer consumer(ConsumerFor(cluster, "batched-orders-group", {"batched-orders"}));
    consumer.StartBatches([&](std::span<const Message> batch) {
      calls.Add(batch);
      if (calls.Snapshot().size() == 1) std::this_thread::sleep_for(kFirstCallLasts);
      for (const auto& m : batch) {
        if (m.payload == "bad") throw std::runtime_error("cannot parse");  // none of it stays
      }
      done.Add(batch);
    });
    ASSERT_TRUE(WaitFor([&] { return consumer.handled() + consumer.dead_lettered() == 5; }));
    consumer.Stop();
    EXPECT_EQ(consumer.dead_lettered(), 1u);
    EXPECT_EQ(consumer.handled(), 4u);
  }
  bool bad_among_others = false;
  for (const auto& batch : calls.Snapshot()) {
    const auto payloads = Payloads(batch);
    bad_among_others |=
        payloads.size() > 1 && std::find(payloads.begin(), payloads.end(), "bad") != payloads.end();
  }
  EXPECT_TRUE(bad_among_others) << "the poison message never came in a batch with others";
  std::multiset<std::string> handled;
  for (const auto& batch : done.Snapshot()) {
    for (const auto& payload : Payloads(batch)) handled.insert(payload);
  }
  EXPECT_EQ(handled, (std::multiset<std::string>{"a", "b", "c", "d"}));

  Received dlq;
  Consumer dlq_reader(ConsumerFor(cluster, "batched-dlq-reader", {"batched-orders.dlq"}));
  dlq_reader.Start([&](const Message& m) { dlq.Add(m); });
  ASSERT_TRUE(WaitFor([&] { return dlq.Size() >= 1; }));
  livedrop::testing::Idle(milliseconds(500), "another dead letter would have arrived by now");
  dlq_reader.Stop();
  EXPECT_EQ(Payloads(dlq.Snapshot()), std::vector<std::string>{"bad"});
  EXPECT_THAT(LeftForTheGroup(cluster, producer, "batched-orders-group", "batched-orders"),
              ::testing::IsEmpty());
}

// The gateway's feeds: every instance reads every partition, from where the topic ended when it
// started, with no group to join; two of them with the same group id do not share partitions.
TEST(Consumer, Broadcast_EveryInstanceReadsEveryPartitionFromItsStart) {
  MockCluster cluster(3);
  cluster.CreateTopic("livedrop.fanout", 3);
  Producer producer(ProducerFor(cluster));
  for (int i = 0; i < 6; ++i) {
    producer.ProduceSync("livedrop.fanout", "k" + std::to_string(i), "before-" + std::to_string(i),
                         milliseconds(10000));
  }
  auto options = ConsumerFor(cluster, "fanout", {"livedrop.fanout"});
  options.broadcast = true;
  Consumer first(options), second(options);
  Received got_first, got_second;
  first.Start([&](const Message& m) { got_first.Add(m); });
  second.Start([&](const Message& m) { got_second.Add(m); });
  ASSERT_TRUE(WaitFor(
      [&] { return first.assigned_partitions() == 3 && second.assigned_partitions() == 3; }));
  std::set<std::string> sent;
  for (int i = 0; i < 20; ++i) {
    const std::string payload = "after-" + std::to_string(i);
    producer.ProduceSync("livedrop.fanout", "k" + std::to_string(i), payload, milliseconds(10000));
    sent.insert(payload);
  }
  for (Received* received : {&got_first, &got_second}) {
    ASSERT_TRUE(WaitFor([&] { return received->Size() >= 20; })) << received->Size();
    std::set<std::string> payloads;
    for (const Message& m : received->Snapshot()) payloads.insert(m.payload);
    EXPECT_EQ(payloads, sent) << "every message after the start, none from before, once each";
    EXPECT_EQ(received->Size(), 20u);
  }
  first.Stop();
  second.Stop();
  EXPECT_EQ(first.assigned_partitions(), 0);
}

}  // namespace
}  // namespace livedrop::kafka
