#include "livedrop/http/router.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "livedrop/core/error.h"
#include "livedrop/http/problem.h"

namespace livedrop::http {
namespace {

Response Route(const Router& router, const std::string& method, const std::string& path) {
  Request request;
  request.method = method;
  request.path = path;
  Response out;
  out.status = 0;
  router.Handle(std::move(request), [&](Response r) { out = std::move(r); });
  return out;
}

Handler Reply(std::string prefix, std::string param = "") {
  return [prefix = std::move(prefix), param = std::move(param)](Request&& r, Responder done) {
    done(Response::Text(200, prefix + (param.empty() ? "" : " " + r.path_params.at(param))));
  };
}

Router Sample() {
  Router router;
  router.Add("GET", "/v1/drops/{id}", Reply("drop", "id"));
  router.Add("POST", "/v1/drops/{id}/cancel", Reply("cancel", "id"));
  router.Add("GET", "/v1/me/{what}", Reply("param", "what"));
  router.Add("GET", "/v1/me/following", Reply("literal"));
  router.Add("PUT", "/v1/me/following", Reply("put"));
  router.Add("GET", "/a/{x}/c", Reply("a-x-c", "x"));
  router.Add("GET", "/a/b/{y}", Reply("a-b-y", "y"));
  return router;
}

TEST(Router, FillsPathParams) {
  const auto r = Route(Sample(), "GET", "/v1/drops/abc");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "drop abc");
  EXPECT_EQ(Route(Sample(), "POST", "/v1/drops/xyz/cancel").body, "cancel xyz");
}

TEST(Router, PathParams_ArePercentDecoded) {
  EXPECT_EQ(Route(Sample(), "GET", "/v1/drops/a%20b%2Fc").body, "drop a b/c");
}

TEST(Router, EmptySegmentsAndTrailingSlash_AreIgnored) {
  EXPECT_EQ(Route(Sample(), "GET", "/v1//drops/abc/").body, "drop abc");
}

TEST(Router, LiteralSegmentBeatsParameter_WhicheverWasAddedFirst) {
  EXPECT_EQ(Route(Sample(), "GET", "/v1/me/following").body, "literal");
  EXPECT_EQ(Route(Sample(), "GET", "/v1/me/other").body, "param other");
}

TEST(Router, EarliestLiteralDecidesBetweenEquallySpecificRoutes) {
  EXPECT_EQ(Route(Sample(), "GET", "/a/b/c").body, "a-b-y c");
  EXPECT_EQ(Route(Sample(), "GET", "/a/z/c").body, "a-x-c z");
}

TEST(Router, UnknownPath_Is404Problem) {
  const auto r = Route(Sample(), "GET", "/v1/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/problem+json");
  EXPECT_EQ(boost::json::parse(r.body).at("code").as_string(), "not_found");
}

TEST(Router, WrongMethod_Is405WithAllow) {
  const auto r = Route(Sample(), "DELETE", "/v1/drops/abc");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "GET");
  EXPECT_EQ(boost::json::parse(r.body).at("code").as_string(), "method_not_allowed");
}

TEST(Router, WrongMethod_AllowListsEveryMethodOfEveryMatchingRouteOnce) {
  // /v1/me/following is matched by the literal (GET, PUT) and by /v1/me/{what} (GET).
  const auto r = Route(Sample(), "POST", "/v1/me/following");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "GET, PUT");
}

TEST(Router, DuplicateRoute_IsRefused) {
  Router router;
  router.Add("GET", "/v1/drops/{id}", Reply("a"));
  EXPECT_THROW(router.Add("GET", "/v1/drops/{other}", Reply("b")), Error);
  EXPECT_NO_THROW(router.Add("POST", "/v1/drops/{id}", Reply("c")));
}

TEST(Router, MalformedParameterSegment_IsRefused) {
  Router router;
  EXPECT_THROW(router.Add("GET", "/v1/{id", Reply("a")), Error);
  EXPECT_THROW(router.Add("GET", "/v1/{}", Reply("a")), Error);
}

TEST(Problem, CarriesEveryRfc9457FieldAndTheCode) {
  const auto r = Problem(409, "sold_out", "Conflict", "the drop is sold out", "req-7");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/problem+json");
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type").as_string(), "https://livedrop.dev/problems/sold_out");
  EXPECT_EQ(body.at("title").as_string(), "Conflict");
  EXPECT_EQ(body.at("status").as_int64(), 409);
  EXPECT_EQ(body.at("detail").as_string(), "the drop is sold out");
  EXPECT_EQ(body.at("code").as_string(), "sold_out");
  EXPECT_EQ(body.at("request_id").as_string(), "req-7");
}

TEST(Problem, ExtensionsAreAddedButNeverReplaceStandardMembers) {
  const auto r = Problem(402, "payment_declined", "Payment Required", "declined", "req-8",
                         {{"order_id", "o-1"}, {"status", "overridden?"}});
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("order_id").as_string(), "o-1");
  EXPECT_EQ(body.at("status").as_int64(), 402);
}

TEST(Problem, OutagesAndOverloadSayWhenToRetry) {
  EXPECT_EQ(Problem(503, "database_unavailable", "Service Unavailable", "down").headers.Get(
                "Retry-After"),
            "1");
  EXPECT_EQ(Problem(429, "overloaded", "Too Many Requests", "busy").headers.Get("Retry-After"),
            "1");
  EXPECT_EQ(Problem(409, "sold_out", "Conflict", "gone").headers.Get("Retry-After"),
            std::nullopt);
}

TEST(Problem, EscapesJsonAndOmitsAnEmptyRequestId) {
  const auto r = Problem(400, "validation_failed", "Bad Request", "field \"name\"\n is empty");
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("detail").as_string(), "field \"name\"\n is empty");
  EXPECT_FALSE(body.contains("request_id"));
}

TEST(Headers, AreCaseInsensitiveAndSetReplaces) {
  Headers h;
  h.Set("Content-Type", "a");
  h.Set("content-type", "b");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "b");
  EXPECT_EQ(h.fields().size(), 1u);
  h.Add("Set-Cookie", "x");
  h.Add("set-cookie", "y");
  EXPECT_EQ(h.fields().size(), 3u);
  EXPECT_FALSE(h.Get("Missing").has_value());
}

}  // namespace
}  // namespace livedrop::http
