#include "api.h"

#include <gtest/gtest.h>

#include "livedrop/core/ids.h"

namespace livedrop::e2e {

namespace json = boost::json;

json::object Json(const HttpResult& r) {
  json::error_code ec;
  auto value = json::parse(r.body, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << r.body;
    return {};
  }
  return value.as_object();
}

std::string Str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

std::string UniqueEmail() { return "user-" + NewUuid().substr(0, 8) + "@example.com"; }

Account RegisterAccount(const HttpClient& http, const std::string& role) {
  Account account;
  account.email = UniqueEmail();
  const auto r = http.PostJson(
      "/v1/auth/register",
      json::serialize(json::object{{"email", account.email},
                                   {"password", "s3cret-pass"},
                                   {"display_name", "User " + account.email.substr(5, 8)},
                                   {"role", role}}));
  EXPECT_EQ(r.status, 201) << r.body;
  const auto body = Json(r);
  if (const auto* user = body.if_contains("user"); user && user->is_object()) {
    account.id = Str(user->as_object(), "id");
  }
  account.access_token = Str(body, "access_token");
  account.refresh_token = Str(body, "refresh_token");
  return account;
}

void ExpectProblem(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r.body;
  const auto body = Json(r);
  EXPECT_EQ(Str(body, "code"), code) << r.body;
  EXPECT_FALSE(Str(body, "request_id").empty());
}

}  // namespace livedrop::e2e
