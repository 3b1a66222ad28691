// The auth, follow, notification and ops routes, and what the Gateway adds to every route
// (authentication, request id, traceparent), driven through the real Gateway and clients
// against fake services.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "livedrop/core/time.h"
#include "livedrop/log/traceparent.h"
#include "livedrop/metrics/registry.h"
#include "route_harness.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using fakes::At;
using fakes::BodyOf;
using fakes::MakeRequest;
using fakes::ProblemCodeOf;
using fakes::RouteHarness;

constexpr char kCreator[] = "11111111-1111-4111-8111-111111111111";
constexpr char kBuyer[] = "22222222-2222-4222-8222-222222222222";

auth::v1::User SampleUser(const std::string& id, auth::v1::Role role) {
  auth::v1::User u;
  u.set_id(id);
  u.set_email("ada@example.com");
  u.set_display_name("Ada");
  u.set_role(role);
  *u.mutable_created_at() = At("2026-01-02T03:04:05.006Z");
  return u;
}

auth::v1::TokenPair SampleTokens() {
  auth::v1::TokenPair t;
  t.set_access_token("access-abc");
  t.set_refresh_token("refresh-xyz");
  t.set_expires_in(900);
  t.set_token_type("Bearer");
  return t;
}

// --- /v1/auth --------------------------------------------------------------------------------

TEST(AuthRoutes, Register_MapsBodyAndRole_Answers201WithTheSession) {
  RouteHarness h;
  auth::v1::RegisterResponse answer;
  *answer.mutable_user() = SampleUser(kCreator, auth::v1::ROLE_CREATOR);
  *answer.mutable_tokens() = SampleTokens();
  h.auth.register_user.Answer(answer);
  const auto response = h.Send(
      MakeRequest("POST", "/v1/auth/register",
                  R"({"email":"ada@example.com","password":"correct horse","display_name":"Ada",)"
                  R"("role":"creator"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  const auto seen = h.auth.register_user.last();
  EXPECT_EQ(seen.email(), "ada@example.com");
  EXPECT_EQ(seen.password(), "correct horse");
  EXPECT_EQ(seen.display_name(), "Ada");
  EXPECT_EQ(seen.role(), auth::v1::ROLE_CREATOR);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("access_token").as_string(), "access-abc");
  EXPECT_EQ(body.at("refresh_token").as_string(), "refresh-xyz");
  EXPECT_EQ(body.at("expires_in").as_int64(), 900);
  EXPECT_EQ(body.at("token_type").as_string(), "Bearer");
  const auto& user = body.at("user").as_object();
  EXPECT_EQ(user.at("id").as_string(), kCreator);
  EXPECT_EQ(user.at("display_name").as_string(), "Ada");
  EXPECT_EQ(user.at("role").as_string(), "creator");
  EXPECT_EQ(user.at("created_at").as_string(), "2026-01-02T03:04:05.006Z");
  EXPECT_FALSE(user.contains("password"));
}

TEST(AuthRoutes, Register_UnknownRole_Is400NamingRoleWithoutCallingAuth) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest(
      "POST", "/v1/auth/register",
      R"({"email":"a@example.com","password":"pw","display_name":"A","role":"admin"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(ProblemCodeOf(*response), "validation_failed");
  EXPECT_EQ(BodyOf(*response).at("field").as_string(), "role");
  EXPECT_EQ(h.auth.register_user.calls(), 0);
}

TEST(AuthRoutes, Register_MalformedJson_Is400MalformedJsonWithoutCallingAuth) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("POST", "/v1/auth/register", R"({"email": )"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(ProblemCodeOf(*response), "malformed_json");
  EXPECT_EQ(h.auth.register_user.calls(), 0);
}

TEST(AuthRoutes, Login_InvalidCredentials_Is401WithTheServicesCodeAndDetail) {
  RouteHarness h;
  h.auth.login.Fail(
      Error(ErrorKind::kUnauthenticated, "invalid_credentials", "wrong email or password"));
  const auto response = h.Send(
      MakeRequest("POST", "/v1/auth/login", R"({"email":"a@example.com","password":"nope"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(ProblemCodeOf(*response), "invalid_credentials");
  EXPECT_EQ(BodyOf(*response).at("detail").as_string(), "wrong email or password");
  EXPECT_EQ(h.auth.login.last().email(), "a@example.com");
}

TEST(AuthRoutes, Logout_PassesTheRefreshToken_Answers204WithoutBody) {
  RouteHarness h;
  h.auth.logout.Answer(auth::v1::LogoutResponse{});
  const auto response =
      h.Send(MakeRequest("POST", "/v1/auth/logout", R"({"refresh_token":"refresh-xyz"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204);
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(h.auth.logout.last().refresh_token(), "refresh-xyz");
}

// --- the caller ------------------------------------------------------------------------------

TEST(AuthRoutes, Me_AsksAuthForTheCallersOwnUser) {
  RouteHarness h;
  auth::v1::GetUserResponse answer;
  *answer.mutable_user() = SampleUser(kBuyer, auth::v1::ROLE_BUYER);
  h.auth.get_user.Answer(answer);
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/me"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(h.auth.get_user.last().id(), kBuyer);
  EXPECT_EQ(BodyOf(*response).at("role").as_string(), "buyer");
}

TEST(AuthRoutes, Me_WithoutToken_Is401UnauthenticatedWithoutCallingAuth) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("GET", "/v1/me"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(ProblemCodeOf(*response), "unauthenticated");
  EXPECT_EQ(h.auth.get_user.calls(), 0);
}

TEST(AuthRoutes, Me_ExpiredToken_Is401TokenExpiredWithoutCallingAuth) {
  RouteHarness h;
  auto request = MakeRequest("GET", "/v1/me");
  request.headers.Set("Authorization", "Bearer " + h.ExpiredTokenFor(kBuyer, "buyer"));
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(ProblemCodeOf(*response), "token_expired");
  EXPECT_EQ(h.auth.get_user.calls(), 0);
}

TEST(AuthRoutes, Me_TokenSignedByAnotherKey_Is401TokenInvalid) {
  RouteHarness h;
  RouteHarness other;
  auto request = MakeRequest("GET", "/v1/me");
  request.headers.Set("Authorization", "Bearer " + other.TokenFor(kBuyer, "buyer"));
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(ProblemCodeOf(*response), "token_invalid");
  EXPECT_EQ(h.auth.get_user.calls(), 0);
}

// Claims a real issuer never writes, each signed with the key the gateway trusts: the audience,
// nbf and iat checks alone refuse them (the control token differs only in the checked claim).
std::string Payload(const std::string& extra) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch());
  return R"({"sub":")" + std::string(kBuyer) + R"(","role":"buyer","iss":"livedrop-test","exp":)" +
         std::to_string((now + 15min).count()) + "," + extra + "}";
}

std::string SecondsFromNow(std::chrono::seconds offset) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch());
  return std::to_string((now + offset).count());
}

TEST(AuthRoutes, Me_TokenClaims_WrongAudienceFutureNbfOrNoIat_Are401TokenInvalid) {
  RouteHarness h;
  auth::v1::GetUserResponse answer;
  *answer.mutable_user() = SampleUser(kBuyer, auth::v1::ROLE_BUYER);
  h.auth.get_user.Answer(answer);
  const std::string iat = R"("iat":)" + SecondsFromNow(0s);
  const auto me = [&](const std::string& token) {
    auto request = MakeRequest("GET", "/v1/me");
    request.headers.Set("Authorization", "Bearer " + token);
    return h.Send(std::move(request));
  };
  const auto good = me(h.SignedToken(Payload(iat + R"(,"aud":"livedrop-api","nbf":)" +
                                             SecondsFromNow(0s))));
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200) << good->body;

  for (const auto& bad : {
           Payload(iat + R"(,"aud":"livedrop-admin")"),
           Payload(iat),  // no aud
           Payload(iat + R"(,"aud":"livedrop-api","nbf":)" + SecondsFromNow(10min)),
           Payload(R"("aud":"livedrop-api")"),  // no iat
           Payload(R"("aud":"livedrop-api","iat":)" + SecondsFromNow(10min)),
       }) {
    const auto response = me(h.SignedToken(bad));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 401) << bad;
    EXPECT_EQ(ProblemCodeOf(*response), "token_invalid") << bad;
  }
  EXPECT_EQ(h.auth.get_user.calls(), 1);  // only the good token reached auth
}

// --- what the gateway adds to every downstream call ------------------------------------------

TEST(GatewayCalls, IncomingRequestId_ReachesTheServiceAndComesBack) {
  RouteHarness h;
  h.auth.get_user.Fail(NotFoundError("user"));
  auto request = MakeRequest("GET", "/v1/me");
  request.headers.Set("X-Request-Id", "req-abc.123_x");
  const auto response = h.SendAs(kBuyer, "buyer", std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(h.auth.get_user.last_metadata().request_id, "req-abc.123_x");
  EXPECT_EQ(response->headers.Get("X-Request-Id").value_or(""), "req-abc.123_x");
  EXPECT_EQ(BodyOf(*response).at("request_id").as_string(), "req-abc.123_x");
}

TEST(GatewayCalls, UnsafeRequestId_IsReplacedByAFreshOneTheServiceSeesToo) {
  RouteHarness h;
  h.auth.get_user.Answer(auth::v1::GetUserResponse{});
  auto request = MakeRequest("GET", "/v1/me");
  request.headers.Set("X-Request-Id", "evil id\r\nx: y");
  const auto response = h.SendAs(kBuyer, "buyer", std::move(request));
  ASSERT_TRUE(response);
  const auto echoed = response->headers.Get("X-Request-Id").value_or("");
  EXPECT_FALSE(echoed.empty());
  EXPECT_NE(echoed, "evil id\r\nx: y");
  EXPECT_EQ(h.auth.get_user.last_metadata().request_id, echoed);
}

TEST(GatewayCalls, TraceParent_ServiceSeesAChildInTheCallersTrace) {
  RouteHarness h;
  h.auth.get_user.Answer(auth::v1::GetUserResponse{});
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto request = MakeRequest("GET", "/v1/me");
  request.headers.Set("traceparent", incoming);
  ASSERT_TRUE(h.SendAs(kBuyer, "buyer", std::move(request)));
  const auto seen = log::ParseTraceParent(h.auth.get_user.last_metadata().trace_parent);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(h.auth.get_user.last_metadata().trace_parent, incoming);
}

TEST(GatewayCalls, UnknownPath_Is404AndKnownPathWithOtherMethodIs405) {
  RouteHarness h;
  const auto missing = h.Send(MakeRequest("GET", "/v1/nothing-here"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ProblemCodeOf(*missing), "not_found");
  const auto wrong = h.Send(MakeRequest("DELETE", "/v1/drops"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(ProblemCodeOf(*wrong), "method_not_allowed");
  EXPECT_EQ(wrong->headers.Get("Allow").value_or(""), "GET, POST");
}

// An unknown path or a wrong method is answered by the gateway's pipeline too (not by the
// router alone), so its problem carries the request id like every other error.
TEST(GatewayCalls, UnknownPath_ProblemCarriesTheRequestId) {
  RouteHarness h;
  auto request = MakeRequest("GET", "/v1/nothing-here");
  request.headers.Set("X-Request-Id", "req-lost-1");
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  const auto body = BodyOf(*response);
  ASSERT_TRUE(body.contains("request_id"));
  EXPECT_EQ(body.at("request_id").as_string(), "req-lost-1");
  EXPECT_EQ(response->headers.Get("X-Request-Id").value_or(""), "req-lost-1");
}

// --- /v1/me/following and /v1/creators -------------------------------------------------------

TEST(FollowRoutes, Follow_CallerFollowsTheCreatorInThePath) {
  RouteHarness h;
  followers::v1::FollowResponse answer;
  answer.mutable_follow()->set_follower_id(kBuyer);
  answer.mutable_follow()->set_creator_id(kCreator);
  *answer.mutable_follow()->mutable_since() = At("2026-11-30T12:00:00Z");
  h.followers.follow.Answer(answer);
  const auto response =
      h.SendAs(kBuyer, "buyer", MakeRequest("PUT", std::string("/v1/me/following/") + kCreator));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(h.followers.follow.last().follower_id(), kBuyer);
  EXPECT_EQ(h.followers.follow.last().creator_id(), kCreator);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("creator_id").as_string(), kCreator);
  EXPECT_TRUE(body.at("following").as_bool());
  EXPECT_EQ(body.at("since").as_string(), "2026-11-30T12:00:00.000Z");
}

TEST(FollowRoutes, IsFollowing_NotFollowing_AnswersFalseWithoutSince) {
  RouteHarness h;
  followers::v1::IsFollowingResponse answer;
  answer.set_following(false);
  h.followers.is_following.Answer(answer);
  const auto response = h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/me/following/creator-x"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("creator_id").as_string(), "creator-x");
  EXPECT_FALSE(body.at("following").as_bool());
  EXPECT_FALSE(body.contains("since"));
  EXPECT_EQ(h.followers.is_following.last().follower_id(), kBuyer);
}

TEST(FollowRoutes, Unfollow_Is204AndNamesBothSides) {
  RouteHarness h;
  h.followers.unfollow.Answer(followers::v1::UnfollowResponse{});
  const auto response =
      h.SendAs(kBuyer, "buyer", MakeRequest("DELETE", "/v1/me/following/creator-x"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(h.followers.unfollow.last().follower_id(), kBuyer);
  EXPECT_EQ(h.followers.unfollow.last().creator_id(), "creator-x");
}

TEST(FollowRoutes, ListFollowing_CallerAndPagingReachFollowers) {
  RouteHarness h;
  followers::v1::ListFollowingResponse answer;
  auto* f = answer.add_items();
  f->set_follower_id(kBuyer);
  f->set_creator_id(kCreator);
  *f->mutable_since() = At("2026-11-30T12:00:00Z");
  h.followers.list_following.Answer(answer);
  const auto response =
      h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/me/following?limit=10&cursor=c-1"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto seen = h.followers.list_following.last();
  EXPECT_EQ(seen.follower_id(), kBuyer);
  EXPECT_EQ(seen.limit(), 10);
  EXPECT_EQ(seen.cursor(), "c-1");
  const auto body = BodyOf(*response);
  const auto& item = body.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("creator_id").as_string(), kCreator);
  EXPECT_EQ(item.at("since").as_string(), "2026-11-30T12:00:00.000Z");
  EXPECT_TRUE(body.at("next_cursor").is_null());
}

TEST(FollowRoutes, CreatorFollowers_IsPublicAndItemsNameTheFollower) {
  RouteHarness h;
  followers::v1::ListFollowersResponse answer;
  auto* f = answer.add_items();
  f->set_follower_id(kBuyer);
  f->set_creator_id(kCreator);
  *f->mutable_since() = At("2026-11-30T12:00:00Z");
  answer.set_next_cursor("more");
  h.followers.list_followers.Answer(answer);
  const auto response =
      h.Send(MakeRequest("GET", std::string("/v1/creators/") + kCreator + "/followers"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(h.followers.list_followers.last().creator_id(), kCreator);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("items").as_array().at(0).as_object().at("user_id").as_string(), kBuyer);
  EXPECT_EQ(body.at("next_cursor").as_string(), "more");
}

TEST(FollowRoutes, ListFollowers_BadLimit_Is400WithoutCallingFollowers) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("GET", "/v1/creators/c/followers?limit=ten"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(ProblemCodeOf(*response), "validation_failed");
  EXPECT_EQ(h.followers.list_followers.calls(), 0);
}

TEST(FollowRoutes, CreatorProfile_CombinesTheUserAndTheCounts) {
  RouteHarness h;
  auth::v1::GetUserResponse user;
  *user.mutable_user() = SampleUser(kCreator, auth::v1::ROLE_CREATOR);
  h.auth.get_user.Answer(user);
  followers::v1::GetCountsResponse counts;
  counts.set_follower_count(1234);
  counts.set_following_count(5);
  h.followers.get_counts.Answer(counts);
  const auto response = h.Send(MakeRequest("GET", std::string("/v1/creators/") + kCreator));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(h.auth.get_user.last().id(), kCreator);
  EXPECT_EQ(h.followers.get_counts.last().user_id(), kCreator);
  const auto body = BodyOf(*response);
  EXPECT_EQ(body.at("id").as_string(), kCreator);
  EXPECT_EQ(body.at("display_name").as_string(), "Ada");
  EXPECT_EQ(body.at("follower_count").as_int64(), 1234);
  EXPECT_EQ(body.at("following_count").as_int64(), 5);
  EXPECT_FALSE(body.contains("email"));  // a public profile
}

TEST(FollowRoutes, CreatorProfile_UserIsABuyer_Is404WithoutAskingForCounts) {
  RouteHarness h;
  auth::v1::GetUserResponse user;
  *user.mutable_user() = SampleUser(kBuyer, auth::v1::ROLE_BUYER);
  h.auth.get_user.Answer(user);
  const auto response = h.Send(MakeRequest("GET", std::string("/v1/creators/") + kBuyer));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(ProblemCodeOf(*response), "not_found");
  EXPECT_EQ(h.followers.get_counts.calls(), 0);
}

TEST(FollowRoutes, CreatorProfile_CountsFail_IsTheCountsError) {
  RouteHarness h;
  auth::v1::GetUserResponse user;
  *user.mutable_user() = SampleUser(kCreator, auth::v1::ROLE_CREATOR);
  h.auth.get_user.Answer(user);
  h.followers.get_counts.Fail(Error(ErrorKind::kResourceExhausted, "overloaded", "busy"));
  const auto response = h.Send(MakeRequest("GET", std::string("/v1/creators/") + kCreator));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(ProblemCodeOf(*response), "overloaded");
  EXPECT_EQ(response->headers.Get("Retry-After").value_or(""), "1");
}

// --- /v1/me/notifications --------------------------------------------------------------------

TEST(NotificationRoutes, Inbox_CallerAndPaging_ItemsAreFramesWithRead) {
  RouteHarness h;
  notifications::v1::ListNotificationsResponse answer;
  auto* item = answer.add_items();
  item->set_read(true);
  item->mutable_notification()->set_id("n-1");
  item->mutable_notification()->set_type("drop_started");
  *item->mutable_notification()->mutable_time() = At("2026-12-01T18:00:00Z");
  item->mutable_notification()->set_data_json(R"({"drop_id":"drop-1"})");
  answer.set_next_cursor("older");
  h.notifications.list_notifications.Answer(answer);
  const auto response =
      h.SendAs(kBuyer, "buyer", MakeRequest("GET", "/v1/me/notifications?limit=20&cursor=c"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto seen = h.notifications.list_notifications.last();
  EXPECT_EQ(seen.user_id(), kBuyer);
  EXPECT_EQ(seen.limit(), 20);
  EXPECT_EQ(seen.cursor(), "c");
  const auto body = BodyOf(*response);
  const auto& first = body.at("items").as_array().at(0).as_object();
  EXPECT_EQ(first.at("id").as_string(), "n-1");
  EXPECT_EQ(first.at("type").as_string(), "drop_started");
  EXPECT_EQ(first.at("time").as_string(), "2026-12-01T18:00:00.000Z");
  EXPECT_EQ(first.at("data").as_object().at("drop_id").as_string(), "drop-1");
  EXPECT_TRUE(first.at("read").as_bool());
  EXPECT_EQ(body.at("next_cursor").as_string(), "older");
}

TEST(NotificationRoutes, MarkRead_NeitherOrBothOfUpToIdAndAll_Is400WithoutCalling) {
  RouteHarness h;
  for (const std::string body : {R"({})", R"({"up_to_id":"n-1","all":true})", R"({"all":false})"}) {
    SCOPED_TRACE(body);
    const auto response =
        h.SendAs(kBuyer, "buyer", MakeRequest("POST", "/v1/me/notifications/read", body));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(ProblemCodeOf(*response), "validation_failed");
  }
  EXPECT_EQ(h.notifications.mark_read.calls(), 0);
}

TEST(NotificationRoutes, MarkRead_UpToId_AnswersHowManyWereMarked) {
  RouteHarness h;
  notifications::v1::MarkReadResponse answer;
  answer.set_marked(3);
  h.notifications.mark_read.Answer(answer);
  const auto response = h.SendAs(
      kBuyer, "buyer", MakeRequest("POST", "/v1/me/notifications/read", R"({"up_to_id":"n-9"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const auto seen = h.notifications.mark_read.last();
  EXPECT_EQ(seen.user_id(), kBuyer);
  EXPECT_EQ(seen.up_to_id(), "n-9");
  EXPECT_FALSE(seen.all());
  EXPECT_EQ(BodyOf(*response).at("marked").as_int64(), 3);
}

// --- ops -------------------------------------------------------------------------------------

TEST(OpsRoutes, Healthz_IsPlainOk) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("GET", "/healthz"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok\n");
  EXPECT_EQ(response->headers.Get("Content-Type").value_or(""), "text/plain");
}

TEST(OpsRoutes, Readyz_NotReady_Is503NotReadyWithTheRequestId) {
  RouteHarness::Options options;
  options.ready = false;
  RouteHarness h(options);
  auto request = MakeRequest("GET", "/readyz");
  request.headers.Set("X-Request-Id", "probe-1");
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(ProblemCodeOf(*response), "not_ready");
  EXPECT_EQ(BodyOf(*response).at("request_id").as_string(), "probe-1");
}

TEST(OpsRoutes, Readyz_Ready_Is200) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("GET", "/readyz"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ready\n");
}

// /metrics is served by the admin port only (main.cpp's metrics::AdminServer): the public
// routes answer 404 for it, while the gateway still counts its responses there.
TEST(OpsRoutes, Metrics_IsNotAPublicRoute_404ButResponsesAreStillCounted) {
  RouteHarness h;
  ASSERT_TRUE(h.Send(MakeRequest("GET", "/healthz")));
  const auto response = h.Send(MakeRequest("GET", "/metrics"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body.find("livedrop_http_responses_total"), std::string::npos);
  const std::string text = metrics::Registry::Default().Render();
  EXPECT_NE(text.find("livedrop_http_responses_total"), std::string::npos);
  EXPECT_NE(text.find("route=\"/healthz\""), std::string::npos);
}

}  // namespace
}  // namespace livedrop::gateway
