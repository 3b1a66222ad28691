#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "livedrop/config/config.h"
#include "livedrop/grpc/access.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/pg/migrations.h"

namespace grpc {
class Service;
}
namespace livedrop::pg {
class Pool;
}

// What every service binary does around its own logic, in one place: options, logging,
// PostgreSQL with migrations, the Kafka producer and outbox relay, the gRPC server, the
// admin port, and an orderly drain on SIGTERM. A service's main.cpp only wires its parts.
namespace livedrop::service {

struct ServiceSpec {
  std::string name;     // "livedrop-auth"
  std::string summary;  // one line for --help
  std::string schema;   // PostgreSQL schema and migration track
  const std::vector<pg::Migration>* migrations = nullptr;
  int grpc_port = 0;
  int admin_port = 0;
};

// What a service's wiring can use while it builds itself.
struct Runtime {
  const config::Config& config;
  pg::Pool& pool;
  kafka::Producer& producer;
  // Keeps an object alive until the server has drained; objects are released newest first,
  // so keep each after the objects it uses.
  void Keep(std::shared_ptr<void> object) { kept.push_back(std::move(object)); }
  // Serves a gRPC service (the object must be kept alive, e.g. with Keep) to the callers
  // `access` names for each of its methods (rpc::AccessPolicy: certificate names; a method
  // not declared there is refused to everyone).
  void Serve(::grpc::Service* service, const rpc::AccessPolicy& access) {
    services.push_back(service);
    this->access.Merge(access);
  }
  // A consumer of `topics` in `group_id` (also its client id) on --kafka-brokers, with the
  // common --kafka-fetch-wait-max.
  kafka::ConsumerOptions Consumer(const std::string& group_id,
                                  std::vector<std::string> topics) const;

  std::vector<std::shared_ptr<void>> kept;
  std::vector<::grpc::Service*> services;
  rpc::AccessPolicy access;
};

// Declares the service's own options (beyond the common ones).
using AddOptions = std::function<void(config::Spec&)>;
// Builds the service's objects on the runtime.
using Wire = std::function<void(Runtime&)>;

// Runs until SIGINT/SIGTERM; returns the process exit code.
int ServiceMain(const ServiceSpec& spec, int argc, char** argv, const AddOptions& add_options,
                const Wire& wire);

}  // namespace livedrop::service
