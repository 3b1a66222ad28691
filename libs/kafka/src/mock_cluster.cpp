#include "livedrop/kafka/mock_cluster.h"

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h must follow rdkafka.h.
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>

#include "livedrop/core/error.h"
#include "rdkafka_util.h"

namespace livedrop::kafka {

struct MockCluster::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;

  ~Impl() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

MockCluster::MockCluster(int brokers) : impl_(std::make_unique<Impl>()), brokers_(brokers) {
  if (brokers < 1) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed", "brokers must be >= 1");
  }
  // The mock cluster needs a client handle for its bookkeeping; this one never connects.
  auto conf = internal::MakeConf({{"client.id", "livedrop-mock-cluster"}, {"log_level", "3"}});
  impl_->rk = internal::NewClient(RD_KAFKA_PRODUCER, std::move(conf));
  impl_->cluster = rd_kafka_mock_cluster_new(impl_->rk, brokers);
  if (impl_->cluster == nullptr) {
    throw Error(ErrorKind::kUnavailable, "mock_cluster_failed", "cannot start mock cluster");
  }
}

MockCluster::~MockCluster() = default;

std::string MockCluster::BootstrapServers() const {
  return rd_kafka_mock_cluster_bootstraps(impl_->cluster);
}

void MockCluster::CreateTopic(const std::string& name, int partitions) {
  if (name.empty() || partitions < 1) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed",
                "topic needs a name and at least one partition");
  }
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, name.c_str(), partitions, std::min(3, brokers_));
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    throw Error(ErrorKind::kAlreadyExists, "topic_exists", "topic " + name + " exists");
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw Error(ErrorKind::kInvalidArgument, "topic_create_failed",
                "cannot create topic " + name + ": " + rd_kafka_err2str(err));
  }
}

void MockCluster::SetBrokerDown(int broker_id) {
  rd_kafka_mock_broker_set_down(impl_->cluster, broker_id);
}

void MockCluster::SetBrokerUp(int broker_id) {
  rd_kafka_mock_broker_set_up(impl_->cluster, broker_id);
}

}  // namespace livedrop::kafka
