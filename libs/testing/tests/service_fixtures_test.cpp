// The fixtures service tests share: a service's database with its outbox, and fakes served
// in-process over gRPC.
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/testing/in_process_server.h"
#include "livedrop/testing/service_database.h"

namespace livedrop::testing {
namespace {

using namespace std::chrono_literals;

const std::vector<pg::Migration>& WidgetMigrations() {
  static const std::vector<pg::Migration> migrations{
      {1, "widgets", "CREATE TABLE widgets (id int PRIMARY KEY)"}};
  return migrations;
}

void Enqueue(pg::Pool& pool, const std::string& type, const std::string& key) {
  google::protobuf::StringValue payload;
  payload.set_value(type + "@" + key);
  pool.Transact([&](pqxx::work& tx) {
    kafka::EnqueueEvent(tx, "livedrop.widgets", kafka::MakeEnvelope(type, "test", key, payload));
  });
}

TEST(ServiceDatabase, OpensTheServiceSchemaWithItsMigrationsAndTheOutbox) {
  ServiceDatabase db("widgets", WidgetMigrations(), 2);
  EXPECT_EQ(db.schema(), "widgets");
  EXPECT_FALSE(db.url().empty());
  db.pool().Transact([](pqxx::work& tx) { tx.exec("INSERT INTO widgets VALUES (1)"); });
  EXPECT_EQ(db.pool().Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM widgets.widgets")[0].as<int>();
  }),
            1);
  EXPECT_EQ(db.OutboxSize(), 0);
  EXPECT_TRUE(db.OutboxEvents().empty());
}

TEST(ServiceDatabase, EachFixtureHasItsOwnDatabase) {
  ServiceDatabase a("widgets", WidgetMigrations()), b("widgets", WidgetMigrations());
  EXPECT_NE(a.url(), b.url());
  Enqueue(a.pool(), "made", "w1");
  EXPECT_EQ(a.OutboxSize(), 1);
  EXPECT_EQ(b.OutboxSize(), 0);
}

TEST(ServiceDatabase, OutboxReader_CountsByTypeAndKeyAndParsesEnvelopesInOrder) {
  ServiceDatabase db("widgets", WidgetMigrations());
  Enqueue(db.pool(), "made", "w1");
  Enqueue(db.pool(), "made", "w2");
  Enqueue(db.pool(), "broken", "w1");
  EXPECT_EQ(db.OutboxSize(), 3);
  EXPECT_EQ(db.OutboxCount("made"), 2);
  EXPECT_EQ(db.OutboxCount("made", "w2"), 1);
  EXPECT_EQ(db.OutboxCount("broken", "w2"), 0);
  EXPECT_EQ(db.OutboxCount("sold"), 0);
  const auto events = db.OutboxEvents();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].topic, "livedrop.widgets");
  EXPECT_EQ(events[0].key, "w1");
  EXPECT_EQ(events[0].event_type, "made");
  EXPECT_EQ(events[2].event_type, "broken");
  EXPECT_EQ(events[2].envelope.type(), "broken");
  EXPECT_EQ(kafka::UnpackPayload<google::protobuf::StringValue>(events[1].envelope).value(),
            "made@w2");
}

class CountingAuth final : public auth::v1::AuthService::Service {
 public:
  ::grpc::Status GetUser(::grpc::ServerContext*, const auth::v1::GetUserRequest* req,
                         auth::v1::GetUserResponse* resp) override {
    ++calls;
    resp->mutable_user()->set_id(req->id());
    return ::grpc::Status::OK;
  }
  std::atomic<int> calls{0};
};

TEST(InProcessServer, ServesItsFakesOnAFreeLoopbackPort) {
  CountingAuth auth;
  InProcessServer server{&auth};
  EXPECT_GT(server.Port(), 0);
  EXPECT_EQ(server.Address(), "127.0.0.1:" + std::to_string(server.Port()));
  auto stub =
      auth::v1::AuthService::NewStub(rpc::MakeChannel<auth::v1::AuthService>(server.Address()));
  auth::v1::GetUserRequest req;
  req.set_id("u1");
  auth::v1::GetUserResponse resp;
  ASSERT_TRUE(stub->GetUser(rpc::NewClientContext(5s).get(), req, &resp).ok());
  EXPECT_EQ(resp.user().id(), "u1");
  EXPECT_EQ(auth.calls.load(), 1);
}

TEST(InProcessServer, Destroyed_StopsServing) {
  CountingAuth auth;
  std::string address;
  {
    InProcessServer server({&auth}, {"fake-auth", 2, 100ms});
    address = server.Address();
  }
  auto stub = auth::v1::AuthService::NewStub(rpc::MakeChannel<auth::v1::AuthService>(address));
  auth::v1::GetUserRequest req;
  auth::v1::GetUserResponse resp;
  EXPECT_FALSE(stub->GetUser(rpc::NewClientContext(300ms).get(), req, &resp).ok());
  EXPECT_EQ(auth.calls.load(), 0);
}

}  // namespace
}  // namespace livedrop::testing
