#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "livedrop/http/problem.h"
#include "livedrop/http/router.h"

namespace livedrop::http {
namespace {

Response Route(const Router& router, const std::string& method, const std::string& path) {
  Request request;
  request.method = method;
  request.path = path;
  Response out;
  router.Handle(std::move(request), [&](Response r) { out = std::move(r); });
  return out;
}

Router Sample() {
  Router router;
  router.Add("GET", "/v1/drops/{id}", [](Request&& r, Responder done) {
    done(Response::Text(200, "drop " + r.path_params.at("id")));
  });
  router.Add("POST", "/v1/drops/{id}/cancel", [](Request&& r, Responder done) {
    done(Response::Text(200, "cancel " + r.path_params.at("id")));
  });
  router.Add("GET", "/v1/me/{what}", [](Request&& r, Responder done) {
    done(Response::Text(200, "param " + r.path_params.at("what")));
  });
  router.Add("GET", "/v1/me/following", [](Request&&, Responder done) {
    done(Response::Text(200, "literal"));
  });
  return router;
}

TEST(Router, FillsPathParams) {
  const auto r = Route(Sample(), "GET", "/v1/drops/abc");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "drop abc");
  EXPECT_EQ(Route(Sample(), "POST", "/v1/drops/xyz/cancel").body, "cancel xyz");
}

TEST(Router, LiteralSegmentBeatsParameter) {
  EXPECT_EQ(Route(Sample(), "GET", "/v1/me/following").body, "literal");
  EXPECT_EQ(Route(Sample(), "GET", "/v1/me/other").body, "param other");
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
}

TEST(Problem, CarriesEveryRfc9457FieldAndTheCode) {
  const auto r = Problem(409, "sold_out", "Conflict", "the drop is sold out", "req-7");
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type").as_string(), "https://livedrop.dev/problems/sold_out");
  EXPECT_EQ(body.at("title").as_string(), "Conflict");
  EXPECT_EQ(body.at("status").as_int64(), 409);
  EXPECT_EQ(body.at("detail").as_string(), "the drop is sold out");
  EXPECT_EQ(body.at("code").as_string(), "sold_out");
  EXPECT_EQ(body.at("request_id").as_string(), "req-7");
}

TEST(Headers, AreCaseInsensitiveAndSetReplaces) {
  Headers h;
  h.Set("Content-Type", "a");
  h.Set("content-type", "b");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "b");
  EXPECT_EQ(h.fields().size(), 1u);
}

}  // namespace
}  // namespace livedrop::http
