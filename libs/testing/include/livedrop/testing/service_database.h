#pragma once

#include <string>
#include <vector>

#include "livedrop/events/v1/envelope.pb.h"
#include "livedrop/pg/migrations.h"
#include "livedrop/pg/pool.h"

namespace livedrop::testing {

// One row of a service's outbox, its envelope parsed.
struct OutboxEvent {
  std::string topic;
  std::string key;
  std::string event_type;
  events::v1::Envelope envelope;
};

// What a service's store tests start from: a fresh database on PostgresServer::Shared(), a
// pool on the service's schema with the service's migrations and the outbox applied, and a
// reader of what the service wrote to its outbox.
class ServiceDatabase {
 public:
  ServiceDatabase(std::string schema, const std::vector<pg::Migration>& migrations,
                  int pool_size = 4);
  ServiceDatabase(const ServiceDatabase&) = delete;
  ServiceDatabase& operator=(const ServiceDatabase&) = delete;

  pg::Pool& pool() { return pool_; }
  const std::string& url() const { return url_; }
  const std::string& schema() const { return schema_; }

  int OutboxSize();                                                        // rows not yet relayed
  int OutboxCount(const std::string& event_type);                          // of one type
  int OutboxCount(const std::string& event_type, const std::string& key);  // ... and key
  std::vector<OutboxEvent> OutboxEvents();                                 // in the order written

 private:
  std::string schema_;
  std::string url_;
  pg::Pool pool_;
};

}  // namespace livedrop::testing
