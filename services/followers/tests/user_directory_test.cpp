// UserDirectory: roles are remembered up to a bound, the least recently asked user evicted one
// at a time instead of emptying the cache. A fake livedrop-auth counts its calls, so a cache hit
// is a call not made.
#include "user_directory.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <atomic>

#include "livedrop/grpc/server_runner.h"

namespace livedrop::followers {
namespace {

using namespace std::chrono_literals;

class CountingAuth final : public auth::v1::AuthService::Service {
 public:
  ::grpc::Status GetUser(::grpc::ServerContext*, const auth::v1::GetUserRequest* req,
                         auth::v1::GetUserResponse* resp) override {
    ++calls;
    if (req->id() == "ghost") return ::grpc::Status(::grpc::StatusCode::NOT_FOUND, "no user");
    resp->mutable_user()->set_id(req->id());
    resp->mutable_user()->set_role(auth::v1::ROLE_BUYER);
    return ::grpc::Status::OK;
  }

  std::atomic<int> calls{0};
};

class UserDirectoryTest : public ::testing::Test {
 protected:
  UserDirectoryTest() : runner_(rpc::ServerOptions{"fake-auth", "127.0.0.1:0", 2, 100ms}) {
    runner_.AddService(&auth_);
    runner_.Start();
  }
  ~UserDirectoryTest() override { runner_.Shutdown(); }

  UserDirectory Directory(std::size_t max_entries) {
    return UserDirectory(::grpc::CreateChannel("127.0.0.1:" + std::to_string(runner_.port()),
                                               ::grpc::InsecureChannelCredentials()),
                         max_entries);
  }
  // How many of `user_ids` the directory had to ask livedrop-auth for.
  int Asked(UserDirectory& users, std::initializer_list<const char*> user_ids) {
    const int before = auth_.calls;
    for (const char* id : user_ids) EXPECT_EQ(users.RoleOf(id), "buyer") << id;
    return auth_.calls - before;
  }

  CountingAuth auth_;
  rpc::ServerRunner runner_;
};

TEST_F(UserDirectoryTest, AtItsBound_EvictsTheLeastRecentlyAskedUserInsteadOfEmptying) {
  auto users = Directory(3);
  ASSERT_EQ(Asked(users, {"u0", "u1", "u2"}), 3);
  ASSERT_EQ(Asked(users, {"u0", "u2"}), 0);  // u1 is now the least recently asked
  ASSERT_EQ(Asked(users, {"u3"}), 1);        // one past the bound
  EXPECT_EQ(Asked(users, {"u0", "u2", "u3"}), 0);
  EXPECT_EQ(Asked(users, {"u1"}), 1);
}

TEST_F(UserDirectoryTest, UnknownUser_IsNotRemembered) {
  auto users = Directory(3);
  EXPECT_EQ(users.RoleOf("ghost"), std::nullopt);
  EXPECT_EQ(users.RoleOf("ghost"), std::nullopt);
  EXPECT_EQ(auth_.calls, 2);
}

}  // namespace
}  // namespace livedrop::followers
