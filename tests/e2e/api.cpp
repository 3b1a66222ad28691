#include "api.h"

#include <gtest/gtest.h>

#include <thread>

#include "livedrop/core/ids.h"
#include "livedrop/core/time.h"
#include "livedrop/testing/eventually.h"

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

std::string NewProduct(const HttpClient& http, const Account& creator, int unit_amount) {
  const auto r = http.PostJson(
      "/v1/products",
      json::serialize(json::object{
          {"title", "Limited tee"}, {"unit_amount", unit_amount}, {"currency", "EUR"}}),
      creator.access_token);
  EXPECT_EQ(r.status, 201) << r.body;
  return Str(Json(r), "id");
}

std::string NewDrop(const HttpClient& http, const Account& creator, const std::string& product,
                    std::chrono::milliseconds start, std::chrono::milliseconds end, int quantity,
                    int per_buyer_limit) {
  const auto r =
      http.PostJson("/v1/drops",
                    json::serialize(json::object{{"product_id", product},
                                                 {"starts_at", FormatRfc3339(Now() + start)},
                                                 {"ends_at", FormatRfc3339(Now() + end)},
                                                 {"quantity", quantity},
                                                 {"per_buyer_limit", per_buyer_limit}}),
                    creator.access_token);
  EXPECT_EQ(r.status, 201) << r.body;
  return Str(Json(r), "id");
}

json::object AwaitDrop(const HttpClient& http, const std::string& drop_id,
                       const std::string& status, std::optional<int> available) {
  json::object view;
  const bool shown = testing::Eventually(
      [&] {
        view = Json(http.Get("/v1/drops/" + drop_id));
        const auto* a = view.if_contains("available");
        const bool stock_ok = !available || (a && a->is_int64() && a->as_int64() == *available);
        return Str(view, "status") == status && stock_ok;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(50));
  if (shown) return view;
  ADD_FAILURE() << "drop " << drop_id << " never showed " << status << ": "
                << json::serialize(view);
  return view;
}

HttpResult PlaceOrder(const HttpClient& http, const Account& buyer, const std::string& key,
                      const std::string& drop_id, int quantity, const std::string& payment_token) {
  std::map<std::string, std::string> headers{{"Authorization", "Bearer " + buyer.access_token},
                                             {"Content-Type", "application/json"}};
  if (!key.empty()) headers["Idempotency-Key"] = key;
  return http.Request(
      "POST", "/v1/orders",
      json::serialize(json::object{
          {"drop_id", drop_id}, {"quantity", quantity}, {"payment_token", payment_token}}),
      headers);
}

void ExpectProblem(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r.body;
  const auto body = Json(r);
  EXPECT_EQ(Str(body, "code"), code) << r.body;
  EXPECT_FALSE(Str(body, "request_id").empty());
}

}  // namespace livedrop::e2e
