#pragma once

#include <memory>
#include <string>

namespace livedrop::kafka {

// An in-process Kafka-protocol broker (librdkafka's mock cluster) listening on loopback with
// ephemeral ports. Real clients, in this process or another, connect to BootstrapServers().
// It supports the idempotent producer, consumer groups with offset commits and automatic
// topic creation (4 partitions) when a producer asks for an unknown topic. It keeps
// everything in memory and is meant for tests and local runs, never production.
class MockCluster {
 public:
  explicit MockCluster(int brokers = 1);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  std::string BootstrapServers() const;

  // Replication factor is min(3, brokers). Throws Error(kInvalidArgument) on a bad name or
  // count; creating an existing topic throws Error(kAlreadyExists, "topic_exists").
  void CreateTopic(const std::string& name, int partitions);

  // Fault injection for tests: a down broker drops its connections and refuses new ones.
  void SetBrokerDown(int broker_id);
  void SetBrokerUp(int broker_id);

  int brokers() const { return brokers_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int brokers_;
};

}  // namespace livedrop::kafka
