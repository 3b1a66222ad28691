// The batch read of counts a GraphQL loader makes: FollowersApp::BatchGetCounts on fakes, and
// the statement behind it (FollowersStore::ReadCountsOf) on a real PostgreSQL.
#include <gtest/gtest.h>

#include <map>
#include <pqxx/pqxx>

#include "clients/fake_auth.h"
#include "fake_follows_repository.h"
#include "followers_app.h"
#include "followers_grpc.h"
#include "followers_migrations.h"
#include "followers_store.h"
#include "livedrop/core/batch.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"
#include "livedrop/testing/in_process_server.h"
#include "livedrop/testing/service_database.h"

namespace livedrop::followers {
namespace {

constexpr char kCreator[] = "00000000-0000-4000-8000-000000000001";
constexpr char kOtherCreator[] = "00000000-0000-4000-8000-000000000002";
constexpr char kFan[] = "00000000-0000-4000-8000-000000000004";
constexpr char kNobody[] = "00000000-0000-4000-8000-000000000009";

struct Seen {
  std::string user_id;
  std::int64_t followers;
  std::int64_t following;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> Flat(const std::vector<UserCounts>& rows) {
  std::vector<Seen> out;
  for (const auto& row : rows) {
    out.push_back(Seen{row.user_id, row.counts.followers, row.counts.following});
  }
  return out;
}

void PrintTo(const Seen& s, std::ostream* os) {
  *os << s.user_id << " " << s.followers << "/" << s.following;
}

class BatchGetCountsTest : public ::testing::Test {
 protected:
  BatchGetCountsTest() {
    auth_.Put(kCreator, Role::kCreator);
    auth_.Put(kOtherCreator, Role::kCreator);
    auth_.Put(kFan, Role::kBuyer);
  }

  FakeAuth auth_;
  FakeFollowsRepository follows_;
  FollowersApp app_{follows_, auth_,
                    redis::VersionedCache(nullptr, "counts", std::chrono::seconds(30)),
                    FollowersOptions{}};
};

TEST_F(BatchGetCountsTest, SeveralIds_EachOnceInFirstOrderWithOneRead) {
  app_.Follow(kFan, kCreator);
  app_.Follow(kFan, kOtherCreator);
  app_.Follow(kOtherCreator, kCreator);
  const int reads_before = follows_.batch_reads();
  const auto counts =
      app_.BatchGetCounts({kOtherCreator, kNobody, kCreator, kOtherCreator, "nope", kFan});
  EXPECT_EQ(Flat(counts), (std::vector<Seen>{{kOtherCreator, 1, 1},
                                             {kNobody, 0, 0},  // as GetCounts: zero, not absent
                                             {kCreator, 2, 0},
                                             {kFan, 0, 2}}));
  EXPECT_EQ(follows_.batch_reads(), reads_before + 1);
  EXPECT_EQ(follows_.last_batch().size(), 4u) << "a repeated or malformed id was read";
  // Each as GetCounts answers it.
  for (const auto& row : counts) {
    EXPECT_EQ(row.counts.followers, app_.GetCounts(row.user_id).followers) << row.user_id;
    EXPECT_EQ(row.counts.following, app_.GetCounts(row.user_id).following) << row.user_id;
  }
}

TEST_F(BatchGetCountsTest, MoreThanTheBound_IsValidationFailedOnUserIdsWithoutARead) {
  std::vector<std::string> ids(kMaxBatchSize, kCreator);
  EXPECT_EQ(app_.BatchGetCounts(ids).size(), 1u);
  ids.push_back(kFan);
  const int reads_before = follows_.batch_reads();
  try {
    app_.BatchGetCounts(ids);
    FAIL() << kMaxBatchSize + 1 << " ids were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_EQ(e.code(), "validation_failed");
    EXPECT_EQ(e.metadata().at("field"), "user_ids");
  }
  EXPECT_EQ(follows_.batch_reads(), reads_before);
}

TEST_F(BatchGetCountsTest, EmptyOrOnlyMalformed_AnswersEmptyWithoutARead) {
  EXPECT_TRUE(app_.BatchGetCounts({}).empty());
  EXPECT_TRUE(app_.BatchGetCounts({"nope", ""}).empty());
  EXPECT_EQ(follows_.batch_reads(), 0);
}

// The statement itself: sums over a user's slots, leaves out users with no row.
TEST(FollowersStore, ReadCountsOf_SumsEachUsersSlotsAndLeavesOutUsersWithoutChanges) {
  testing::ServiceDatabase db("followers", Migrations(), 2);
  const std::string creator = NewUuid(), fan = NewUuid(), other_fan = NewUuid();
  db.pool().Transact([&](pqxx::work& tx) {
    FollowersStore::AddToCounts(tx, creator, fan, +1, 0);
    FollowersStore::AddToCounts(tx, creator, other_fan, +1, 1);
    FollowersStore::AddToCounts(tx, creator, other_fan, -1, 2);
    FollowersStore::AddToCounts(tx, creator, other_fan, +1, 3);
  });
  const auto rows = db.pool().Transact([&](pqxx::work& tx) {
    return FollowersStore::ReadCountsOf(tx, {fan, NewUuid(), creator});
  });
  std::map<std::string, Counts> by_user;
  for (const auto& row : rows) by_user[row.user_id] = row.counts;
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(by_user.count(creator), 1u);
  ASSERT_EQ(by_user.count(fan), 1u);
  EXPECT_EQ(by_user[creator].followers, 2);
  EXPECT_EQ(by_user[creator].following, 0);
  EXPECT_EQ(by_user[creator].version, 4);
  EXPECT_EQ(by_user[fan].following, 1);
  const auto single =
      db.pool().Transact([&](pqxx::work& tx) { return FollowersStore::ReadCounts(tx, creator); });
  EXPECT_EQ(single.version, by_user[creator].version);
}

// Through the handler, as the gateway calls it.
TEST_F(BatchGetCountsTest, Rpc_AnswersInOrderEmptyForNoIdsAndRefusesTooManyAsInvalidArgument) {
  using namespace std::chrono_literals;
  app_.Follow(kFan, kCreator);
  FollowersGrpc handler(app_);
  testing::InProcessServer server(&handler, {"livedrop-followers", 8, 100ms});
  auto stub =
      v1::FollowersService::NewStub(rpc::MakeChannel<v1::FollowersService>(server.Address()));
  v1::BatchGetCountsRequest req;
  for (const char* id : {kFan, kNobody, kCreator, kFan}) req.add_user_ids(id);
  v1::BatchGetCountsResponse resp;
  ASSERT_TRUE(stub->BatchGetCounts(rpc::NewClientContext(5s).get(), req, &resp).ok());
  ASSERT_EQ(resp.counts_size(), 3);
  EXPECT_EQ(resp.counts(0).user_id(), kFan);
  EXPECT_EQ(resp.counts(0).following_count(), 1);
  EXPECT_EQ(resp.counts(1).user_id(), kNobody);
  EXPECT_EQ(resp.counts(1).follower_count(), 0);
  EXPECT_EQ(resp.counts(2).user_id(), kCreator);
  EXPECT_EQ(resp.counts(2).follower_count(), 1);
  EXPECT_EQ(resp.counts(2).following_count(), 0);

  while (req.user_ids_size() <= kMaxBatchSize) req.add_user_ids(kFan);
  resp.Clear();
  const auto refused = stub->BatchGetCounts(rpc::NewClientContext(5s).get(), req, &resp);
  EXPECT_EQ(refused.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  const Error error = rpc::FromStatus(refused);
  EXPECT_EQ(error.code(), "validation_failed");
  EXPECT_EQ(error.metadata().count("field") ? error.metadata().at("field") : "", "user_ids");

  req.Clear();
  ASSERT_TRUE(stub->BatchGetCounts(rpc::NewClientContext(5s).get(), req, &resp).ok());
  EXPECT_EQ(resp.counts_size(), 0);
}

}  // namespace
}  // namespace livedrop::followers
