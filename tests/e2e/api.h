#pragma once

#include <boost/json.hpp>
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

// Asserts a problem+json answer with this status and code.
void ExpectProblem(const HttpResult& r, int status, const std::string& code);

}  // namespace livedrop::e2e
