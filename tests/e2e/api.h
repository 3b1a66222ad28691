#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "http_client.h"

// What end-to-end tests say to the public API, in one place.
namespace livedrop::e2e {

boost::json::object Json(const HttpResult& r);
std::string Str(const boost::json::object& o, const char* key);
std::string UniqueEmail();

struct Account {
  std::string id;
  std::string email;
  std::string access_token;
  std::string refresh_token;
};

// Registers a fresh account (password "s3cret-pass") and fails the test if that fails.
Account RegisterAccount(const HttpClient& http, const std::string& role = "buyer");

// A creator's product priced `unit_amount` EUR cents; its id.
std::string NewProduct(const HttpClient& http, const Account& creator, int unit_amount = 2500);
// A drop of `product` from now + start to now + end; its id (empty if refused).
std::string NewDrop(const HttpClient& http, const Account& creator, const std::string& product,
                    std::chrono::milliseconds start, std::chrono::milliseconds end, int quantity,
                    int per_buyer_limit);
// Polls GET /v1/drops/{id} (bounded, 10 s) until it shows `status` and, if given, `available`;
// returns the last view.
boost::json::object AwaitDrop(const HttpClient& http, const std::string& drop_id,
                              const std::string& status, std::optional<int> available = {});

// POST /v1/orders with an Idempotency-Key (none if empty).
HttpResult PlaceOrder(const HttpClient& http, const Account& buyer, const std::string& key,
                      const std::string& drop_id, int quantity,
                      const std::string& payment_token = "tok_visa");

// Asserts a problem+json answer with this status and code.
void ExpectProblem(const HttpResult& r, int status, const std::string& code);

}  // namespace livedrop::e2e
