// Accounts end to end: the real livedrop-auth and livedrop-gateway binaries against a real
// PostgreSQL, driven over HTTP the way a client would.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "livedrop/auth/jwt.h"
#include "livedrop/core/ids.h"
#include "livedrop/redis/pool.h"
#include "api.h"
#include "platform_test.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string RegisterBody(const std::string& email, const std::string& password = "s3cret-pass",
                         const std::string& role = "buyer") {
  return json::serialize(json::object{
      {"email", email}, {"password", password}, {"display_name", "Ada"}, {"role", role}});
}

std::string LoginBody(const std::string& email, const std::string& password) {
  return json::serialize(json::object{{"email", email}, {"password", password}});
}

std::string TokenBody(const std::string& refresh) {
  return json::serialize(json::object{{"refresh_token", refresh}});
}

class AuthE2E : public PlatformTest {
 protected:
  json::object Register(const std::string& email) {
    const auto r = http().PostJson("/v1/auth/register", RegisterBody(email));
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r);
  }
};

TEST_F(AuthE2E, RegisterLoginMeRefreshLogout_FullJourney) {
  const std::string email = UniqueEmail();
  const auto registered = Register(email);
  EXPECT_EQ(Str(registered.at("user").as_object(), "email"), email);
  EXPECT_EQ(Str(registered.at("user").as_object(), "role"), "buyer");
  EXPECT_EQ(Str(registered, "token_type"), "Bearer");
  EXPECT_GT(registered.at("expires_in").as_int64(), 0);

  const auto login = http().PostJson("/v1/auth/login", LoginBody(email, "s3cret-pass"));
  ASSERT_EQ(login.status, 200) << login.body;
  const auto session = Json(login);

  const auto me = http().Get("/v1/me", Str(session, "access_token"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Str(Json(me), "email"), email);
  EXPECT_EQ(Str(Json(me), "id"), Str(registered.at("user").as_object(), "id"));
  EXPECT_EQ(Str(Json(me), "created_at"), Str(registered.at("user").as_object(), "created_at"));

  const auto refreshed =
      http().PostJson("/v1/auth/refresh", TokenBody(Str(session, "refresh_token")));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const auto next = Json(refreshed);
  EXPECT_NE(Str(next, "refresh_token"), Str(session, "refresh_token"));
  EXPECT_EQ(http().Get("/v1/me", Str(next, "access_token")).status, 200);

  const auto logout = http().PostJson("/v1/auth/logout", TokenBody(Str(next, "refresh_token")));
  EXPECT_EQ(logout.status, 204);
  ExpectProblem(http().PostJson("/v1/auth/refresh", TokenBody(Str(next, "refresh_token"))), 401,
                "refresh_token_invalid");
  // Logging out twice is fine.
  EXPECT_EQ(http().PostJson("/v1/auth/logout", TokenBody(Str(next, "refresh_token"))).status, 204);
}

// Public user views (read by every creator profile) are cached in Redis after the first read.
TEST_F(AuthE2E, UserView_IsCachedAfterTheFirstRead) {
  const auto session = Register(UniqueEmail());
  const std::string id = Str(session.at("user").as_object(), "id");
  redis::Pool redis(redis::RedisOptions{platform_->RedisUrl()});
  EXPECT_EQ(redis.Command({"EXISTS", "ld:auth:user:" + id}).integer, 0);
  ASSERT_EQ(http().Get("/v1/me", Str(session, "access_token")).status, 200);
  EXPECT_EQ(redis.Command({"EXISTS", "ld:auth:user:" + id}).integer, 1);
  const auto again = http().Get("/v1/me", Str(session, "access_token"));
  EXPECT_EQ(Str(Json(again), "id"), id);
}

TEST_F(AuthE2E, Register_DuplicateEmailInAnyCase_Is409) {
  const std::string email = UniqueEmail();
  Register(email);
  std::string upper = email;
  for (auto& c : upper) c = static_cast<char>(std::toupper(c));
  ExpectProblem(http().PostJson("/v1/auth/register", RegisterBody(upper)), 409, "email_taken");
}

TEST_F(AuthE2E, Login_WrongPasswordAndUnknownEmail_AreTheSame401) {
  const std::string email = UniqueEmail();
  Register(email);
  const auto wrong = http().PostJson("/v1/auth/login", LoginBody(email, "wrong-pass-1"));
  const auto unknown =
      http().PostJson("/v1/auth/login", LoginBody(UniqueEmail(), "wrong-pass-1"));
  ExpectProblem(wrong, 401, "invalid_credentials");
  ExpectProblem(unknown, 401, "invalid_credentials");
  EXPECT_EQ(Str(Json(wrong), "detail"), Str(Json(unknown), "detail"));
}

TEST_F(AuthE2E, Register_WeakPassword_Is400) {
  const auto r = http().PostJson("/v1/auth/register", RegisterBody(UniqueEmail(), "password"));
  ExpectProblem(r, 400, "validation_failed");
  EXPECT_NE(r.body.find("password"), std::string::npos);
}

TEST_F(AuthE2E, Register_MalformedEmail_Is400) {
  ExpectProblem(http().PostJson("/v1/auth/register", RegisterBody("not-an-email")), 400,
                "validation_failed");
}

TEST_F(AuthE2E, Register_UnknownRole_Is400) {
  ExpectProblem(
      http().PostJson("/v1/auth/register", RegisterBody(UniqueEmail(), "s3cret-pass", "admin")),
      400, "validation_failed");
}

TEST_F(AuthE2E, Register_MissingField_Is400) {
  ExpectProblem(http().PostJson("/v1/auth/register", R"({"email":"a@example.com"})"), 400,
                "validation_failed");
}

TEST_F(AuthE2E, MalformedJson_Is400) {
  ExpectProblem(http().PostJson("/v1/auth/register", R"({"email": "a@example.com",)"), 400,
                "malformed_json");
}

TEST_F(AuthE2E, OversizedBody_Is413) {
  const std::string huge = R"({"email":")" + std::string(200 * 1024, 'a') + R"("})";
  const auto r = http().PostJson("/v1/auth/register", huge);
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
}

TEST_F(AuthE2E, Me_WithoutToken_Is401) {
  ExpectProblem(http().Get("/v1/me"), 401, "unauthenticated");
}

TEST_F(AuthE2E, Me_TamperedToken_Is401) {
  const auto session = Register(UniqueEmail());
  std::string token = Str(session, "access_token");
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  ExpectProblem(http().Get("/v1/me", token), 401, "token_invalid");
  ExpectProblem(http().Get("/v1/me", "not.a.jwt"), 401, "token_invalid");
}

TEST_F(AuthE2E, Me_ExpiredToken_Is401) {
  const auto session = Register(UniqueEmail());
  const std::string user_id = Str(session.at("user").as_object(), "id");
  // Sign an already expired token with the platform's real key, read from its database.
  const auth::SigningKey key = platform_->AuthSigningKey();
  const TimePoint past = Now() - std::chrono::hours(1);
  const auto expired = auth::SignJwt(
      auth::Claims{user_id, "buyer", "livedrop", NewUuid(), past, past + 15min, "livedrop-api"},
      key);
  ExpectProblem(http().Get("/v1/me", expired), 401, "token_expired");
  // The same key and claims, still valid, pass: only the expiry made the difference.
  const auto valid = auth::SignJwt(
      auth::Claims{user_id, "buyer", "livedrop", NewUuid(), Now(), Now() + 15min, "livedrop-api"},
      key);
  EXPECT_EQ(http().Get("/v1/me", valid).status, 200);
}

TEST_F(AuthE2E, Refresh_ReusingARotatedToken_RevokesTheWholeFamily) {
  const auto session = Register(UniqueEmail());
  const std::string first = Str(session, "refresh_token");
  const auto rotated = http().PostJson("/v1/auth/refresh", TokenBody(first));
  ASSERT_EQ(rotated.status, 200);
  const std::string second = Str(Json(rotated), "refresh_token");

  ExpectProblem(http().PostJson("/v1/auth/refresh", TokenBody(first)), 401,
                "refresh_token_reused");
  // The legitimate successor is revoked too: the thief and the victim both sign in again.
  ExpectProblem(http().PostJson("/v1/auth/refresh", TokenBody(second)), 401,
                "refresh_token_invalid");
}

TEST_F(AuthE2E, RequestId_IsEchoedOrGenerated) {
  const auto echoed =
      http().Request("GET", "/healthz", "", {{"X-Request-Id", "client-chosen-id-42"}});
  EXPECT_EQ(echoed.Header("x-request-id"), "client-chosen-id-42");
  const auto generated = http().Get("/healthz");
  EXPECT_FALSE(generated.Header("x-request-id").empty());
}

TEST_F(AuthE2E, UnknownRoute_Is404AndWrongMethod_Is405) {
  const auto missing = http().Get("/v1/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/problem+json");
  const auto wrong = http().Get("/v1/auth/login");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_NE(wrong.Header("allow").find("POST"), std::string::npos);
}

TEST_F(AuthE2E, OpsEndpoints_Answer) {
  EXPECT_EQ(http().Get("/healthz").status, 200);
  EXPECT_EQ(http().Get("/readyz").status, 200);
  // /metrics is on the admin port only (tokens_e2e_test checks both ports).
  EXPECT_NE(platform_->Metrics("gateway").find("livedrop_http_request_duration_seconds"),
            std::string::npos);
  const auto openapi = http().Get("/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(Str(Json(openapi), "openapi"), "3.1.0");
}

// Restarting auth re-runs its migrations: nothing is applied twice and no data changes.
TEST_F(AuthE2E, Migrations_AppliedTwice_ChangeNothing) {
  const std::string email = UniqueEmail();
  Register(email);
  auto snapshot = [&] {
    pqxx::connection conn(platform_->DatabaseUrl());
    pqxx::work tx(conn);
    const auto migrations = tx.exec1(
        "SELECT count(*), max(applied_at)::text FROM auth.schema_migrations");
    const auto users = tx.exec1("SELECT count(*) FROM auth.users");
    return std::make_tuple(migrations[0].as<long>(), migrations[1].as<std::string>(),
                           users[0].as<long>());
  };
  const auto before = snapshot();
  platform_->RestartAuth();
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(http().PostJson("/v1/auth/login", LoginBody(email, "s3cret-pass")).status, 200);
}

}  // namespace
}  // namespace livedrop::e2e
