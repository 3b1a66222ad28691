// AuthApp on a real PostgreSQL (and Redis where the cache is the point): the batch read of
// users a GraphQL loader makes.
#include "auth_app.h"

#include <gtest/gtest.h>

#include <cctype>
#include <pqxx/pqxx>

#include "auth_grpc.h"
#include "auth_migrations.h"
#include "auth_store.h"
#include "livedrop/auth/jwt.h"
#include "livedrop/core/batch.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"
#include "livedrop/redis/pool.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/in_process_server.h"
#include "livedrop/testing/servers.h"
#include "livedrop/testing/service_database.h"
#include "passwords.h"

namespace livedrop::auth {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> IdsOf(const std::vector<User>& users) {
  std::vector<std::string> ids;
  for (const auto& user : users) ids.push_back(user.id);
  return ids;
}

class AuthAppTest : public ::testing::Test {
 protected:
  // A user written straight into the table: what GetUsers reads needs no password hash.
  User AddUser(const std::string& display_name) {
    const std::string id = NewUuid();
    UserRecord record{User{id, display_name + "@example.com", display_name, "creator", Now()},
                      "not-a-hash"};
    db_.pool().Transact([&](pqxx::work& tx) {
      record.user.created_at = *AuthStore::InsertUser(tx, record, record.user.email);
    });
    return record.user;
  }

  void Sql(const std::string& statement) {
    db_.pool().Transact([&](pqxx::work& tx) { tx.exec(statement); });
  }

  AuthApp App(redis::Pool* redis = nullptr) {
    return AuthApp(db_.pool(), hasher_, TokenOptions{}, redis::VersionedCache(redis, "user", 30s));
  }

  testing::ServiceDatabase db_{"auth", Migrations(), 2};
  PasswordHasher hasher_{PasswordHashCost::Interactive(), 1};
};

// A key made before a key-encryption key was configured is stored plain; once one is, the row is
// encrypted at the next load, tokens still verify, and without the key it cannot be read.
TEST_F(AuthAppTest, KeyEncryptionKey_EncryptsThePlainRowsAtRestAndTokensStillVerify) {
  const auto stored_secret = [&] {
    return db_.pool().Transact([](pqxx::work& tx) {
      return tx.exec1("SELECT kid, secret_key FROM signing_keys ORDER BY created_at LIMIT 1");
    });
  };
  App().RotateKeys();
  const auto plain = stored_secret();
  const std::string kid = plain[0].as<std::string>();
  const std::string plain_text = plain[1].as<std::string>();
  ASSERT_FALSE(KeySealer::IsSealed(plain_text));

  TokenOptions options;
  options.key_encryption_key = std::string(32, '\x5a');
  AuthApp sealed(db_.pool(), hasher_, options, redis::VersionedCache(nullptr, "user", 30s));
  sealed.RotateKeys();
  const auto after = stored_secret();
  EXPECT_EQ(after[0].as<std::string>(), kid);
  const std::string sealed_text = after[1].as<std::string>();
  EXPECT_TRUE(KeySealer::IsSealed(sealed_text));
  EXPECT_EQ(sealed_text.find(plain_text), std::string::npos);

  const auto session = sealed.Register(
      Registration{"sealed@example.com", "s3cret-pass", "Sealed", "buyer"});
  JwtVerifier verifier("livedrop", "livedrop-api");
  verifier.SetKeys(sealed.SigningKeys());
  EXPECT_EQ(verifier.Verify(session.tokens.access_token, Now()).subject, session.user.id);
  EXPECT_EQ(JwtVerifier::KeyIdOf(session.tokens.access_token), kid);
  // Without the key-encryption key the sealed row cannot be used.
  EXPECT_EQ(testing::ErrorCodeOf([&] { App().RotateKeys(); }), "corrupt_key");
}

TEST_F(AuthAppTest, GetUsers_KnownUnknownRepeatedAndMalformed_EachFoundOnceInFirstOrder) {
  const User ada = AddUser("Ada");
  const User bob = AddUser("Bob");
  const User cy = AddUser("Cy");
  auto app = App();
  const auto users = app.GetUsers({cy.id, NewUuid(), ada.id, cy.id, "not-a-uuid", bob.id, ada.id});
  EXPECT_EQ(IdsOf(users), (std::vector<std::string>{cy.id, ada.id, bob.id}));
  ASSERT_EQ(users.size(), 3u);
  // The public view, as GetUser answers it.
  const User single = app.GetUser(ada.id);
  EXPECT_EQ(users[1].display_name, single.display_name);
  EXPECT_EQ(users[1].email, single.email);
  EXPECT_EQ(users[1].role, single.role);
  EXPECT_EQ(users[1].created_at, single.created_at);
}

TEST_F(AuthAppTest, GetUsers_UpperCaseId_IsTheSameUserAnsweredOnce) {
  const User ada = AddUser("Ada");
  std::string upper = ada.id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(IdsOf(App().GetUsers({upper, ada.id})), std::vector<std::string>{ada.id});
}

TEST_F(AuthAppTest, GetUsers_MoreThanTheBound_IsValidationFailedOnIds) {
  const User ada = AddUser("Ada");
  auto app = App();
  std::vector<std::string> ids(kMaxBatchSize, ada.id);
  EXPECT_EQ(IdsOf(app.GetUsers(ids)), std::vector<std::string>{ada.id});
  ids.push_back(ada.id);
  try {
    app.GetUsers(ids);
    FAIL() << kMaxBatchSize + 1 << " ids were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_EQ(e.code(), "validation_failed");
    EXPECT_EQ(e.metadata().at("field"), "ids");
  }
}

TEST_F(AuthAppTest, GetUsers_EmptyList_AnswersEmptyWithoutAQuery) {
  const User ada = AddUser("Ada");
  auto app = App();
  Sql("ALTER TABLE users RENAME TO users_elsewhere");  // any query for users now fails
  ASSERT_ANY_THROW(app.GetUsers({ada.id}));
  EXPECT_TRUE(app.GetUsers({}).empty());
  EXPECT_TRUE(app.GetUsers({"not-a-uuid"}).empty());
}

TEST_F(AuthAppTest, GetUsers_ReadsCachedViewsAndCachesWhatItLoaded) {
  testing::RedisServer server;
  redis::Pool redis_pool(redis::RedisOptions{server.Url()});
  const User ada = AddUser("Ada");
  const User bob = AddUser("Bob");
  auto app = App(&redis_pool);
  app.GetUser(ada.id);  // cached by the single get
  EXPECT_EQ(IdsOf(app.GetUsers({bob.id})), std::vector<std::string>{bob.id});  // by the batch
  Sql("DELETE FROM users");  // from now on only the cache knows them
  EXPECT_EQ(IdsOf(app.GetUsers({bob.id, ada.id, NewUuid(), bob.id})),
            (std::vector<std::string>{bob.id, ada.id}));
}

// Through the handler, as the gateway calls it.
TEST_F(AuthAppTest, GetUsersRpc_AnswersInOrderEmptyForNoIdsAndRefusesTooManyAsInvalidArgument) {
  const User ada = AddUser("Ada");
  const User bob = AddUser("Bob");
  auto app = App();
  AuthGrpc handler(app);
  testing::InProcessServer server(&handler, {"livedrop-auth", 8, 100ms});
  auto stub = v1::AuthService::NewStub(rpc::MakeChannel<v1::AuthService>(server.Address()));
  v1::GetUsersRequest req;
  for (const auto& id : {bob.id, NewUuid(), ada.id, bob.id}) req.add_ids(id);
  v1::GetUsersResponse resp;
  ASSERT_TRUE(stub->GetUsers(rpc::NewClientContext(5s).get(), req, &resp).ok());
  ASSERT_EQ(resp.users_size(), 2);
  EXPECT_EQ(resp.users(0).id(), bob.id);
  EXPECT_EQ(resp.users(0).display_name(), "Bob");
  EXPECT_EQ(resp.users(1).id(), ada.id);
  EXPECT_EQ(resp.users(1).role(), v1::ROLE_CREATOR);

  while (req.ids_size() <= kMaxBatchSize) req.add_ids(ada.id);
  resp.Clear();
  const auto refused = stub->GetUsers(rpc::NewClientContext(5s).get(), req, &resp);
  EXPECT_EQ(refused.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  const Error error = rpc::FromStatus(refused);
  EXPECT_EQ(error.code(), "validation_failed");
  EXPECT_EQ(error.metadata().count("field") ? error.metadata().at("field") : "", "ids");

  req.Clear();
  const auto empty = stub->GetUsers(rpc::NewClientContext(5s).get(), req, &resp);
  ASSERT_TRUE(empty.ok()) << empty.error_message();
  EXPECT_EQ(resp.users_size(), 0);
}

}  // namespace
}  // namespace livedrop::auth
