#include "gateway_api.h"

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "livedrop/core/ids.h"
#include "order_outcome.h"

namespace livedrop::loadgen {

namespace json = boost::json;

namespace {

constexpr const char* kPassword = "loadgen-password-1";

std::string Describe(const HttpAnswer& a) {
  if (a.status == 0) return a.error;
  const auto code = ProblemCode(a.body);
  return std::to_string(a.status) + (code.empty() ? "" : " " + code) + ": " + a.body.substr(0, 300);
}

std::string FirstId(const std::string& body) {
  boost::system::error_code ec;
  const auto v = json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("id") || !v.at("id").is_string()) {
    throw std::runtime_error("answer without an id: " + body.substr(0, 300));
  }
  return std::string(v.at("id").as_string());
}

long long NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::map<std::string, Account> ReadCache(const std::string& path, std::chrono::seconds validity) {
  std::map<std::string, Account> out;
  std::ifstream in(path);
  std::string email, id, token;
  while (in >> email >> id >> token) {
    if (JwtExpiry(token) > NowSeconds() + validity.count()) out[email] = {email, id, token};
  }
  return out;
}

void WriteCache(const std::string& path, const std::vector<Account>& accounts) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& a : accounts)
      out << a.email << ' ' << a.user_id << ' ' << a.access_token << '\n';
    if (!out) return;  // a cache is an optimisation; failing to write it is not an error
  }
  // Bearer tokens: readable by this user only.
  std::error_code ec;
  std::filesystem::permissions(
      tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

long long JwtExpiry(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return 0;
  std::string payload;
  if (!Base64UrlDecode(std::string_view(token).substr(first + 1, second - first - 1), payload)) {
    return 0;
  }
  boost::system::error_code ec;
  const auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return 0;
  const auto* exp = v.as_object().if_contains("exp");
  return exp && exp->is_int64() ? exp->as_int64() : 0;
}

GatewayApi::GatewayApi(const HttpEndpoint& gateway)
    : gateway_(gateway), http_(gateway.host, gateway.port, std::chrono::seconds(60)) {}

HttpAnswer GatewayApi::Call(const std::string& method, const std::string& route,
                            const std::string& body, const std::string& bearer) {
  Headers headers;
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return http_.Request(method, gateway_.path + route, body, headers);
}

Account GatewayApi::RegisterOrLogin(const std::string& email, const std::string& password,
                                    const std::string& display_name, const std::string& role) {
  const auto session = [&](const HttpAnswer& a) {
    const auto v = json::parse(a.body);
    return Account{email, std::string(v.at("user").at("id").as_string()),
                   std::string(v.at("access_token").as_string())};
  };
  const std::string registration = json::serialize(json::object{
      {"email", email}, {"password", password}, {"display_name", display_name}, {"role", role}});
  const std::string login = json::serialize(json::object{{"email", email}, {"password", password}});
  bool registered_before = false;
  for (int attempt = 0;; ++attempt) {
    const auto a = registered_before ? Call("POST", "/v1/auth/login", login, "")
                                     : Call("POST", "/v1/auth/register", registration, "");
    if (a.status == 201 || a.status == 200) return session(a);
    if (a.status == 409 && ProblemCode(a.body) == "email_taken") {
      registered_before = true;
      continue;
    }
    // Password hashing is bounded: 429/503 mean "later". No answer at all is retried only a
    // little (a gateway that is not there should fail the run quickly).
    const bool retry =
        ((a.status == 429 || a.status == 503) && attempt < 20) || (a.status == 0 && attempt < 2);
    if (!retry) {
      throw std::runtime_error((registered_before ? "login " : "register ") + email + ": " +
                               Describe(a));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * (1 + std::min(attempt, 10))));
  }
}

bool GatewayApi::TokenWorks(const std::string& access_token) {
  return Call("GET", "/v1/me", "", access_token).status == 200;
}

std::string GatewayApi::CreateProduct(const std::string& creator_token, const std::string& title,
                                      long long unit_amount, const std::string& currency) {
  const auto a = Call("POST", "/v1/products",
                      json::serialize(json::object{
                          {"title", title}, {"unit_amount", unit_amount}, {"currency", currency}}),
                      creator_token);
  if (a.status != 201) throw std::runtime_error("POST /v1/products: " + Describe(a));
  return FirstId(a.body);
}

std::string GatewayApi::CreateDrop(const std::string& creator_token, const std::string& product_id,
                                   const std::string& starts_at, const std::string& ends_at,
                                   long long quantity, long long per_buyer_limit) {
  const auto a = Call("POST", "/v1/drops",
                      json::serialize(json::object{{"product_id", product_id},
                                                   {"starts_at", starts_at},
                                                   {"ends_at", ends_at},
                                                   {"quantity", quantity},
                                                   {"per_buyer_limit", per_buyer_limit}}),
                      creator_token);
  if (a.status != 201) throw std::runtime_error("POST /v1/drops: " + Describe(a));
  return FirstId(a.body);
}

DropView GatewayApi::GetDrop(const std::string& drop_id) {
  const auto a = Call("GET", "/v1/drops/" + drop_id, "", "");
  if (a.status != 200) throw std::runtime_error("GET /v1/drops/" + drop_id + ": " + Describe(a));
  const auto v = json::parse(a.body).as_object();
  DropView view{FirstId(a.body), "", -1};
  if (const auto* s = v.if_contains("status"); s && s->is_string()) view.status = s->as_string();
  if (const auto* n = v.if_contains("available"); n && n->is_number()) {
    view.available = n->to_number<long long>();
  }
  return view;
}

void GatewayApi::Follow(const std::string& buyer_token, const std::string& creator_id) {
  const auto a = Call("PUT", "/v1/me/following/" + creator_id, "", buyer_token);
  if (a.status != 200 && a.status != 201 && a.status != 204) {
    throw std::runtime_error("PUT /v1/me/following/" + creator_id + ": " + Describe(a));
  }
}

void GatewayApi::Unfollow(const std::string& buyer_token, const std::string& creator_id) {
  const auto a = Call("DELETE", "/v1/me/following/" + creator_id, "", buyer_token);
  if (a.status != 200 && a.status != 204 && a.status != 404) {
    throw std::runtime_error("DELETE /v1/me/following/" + creator_id + ": " + Describe(a));
  }
}

std::optional<std::string> FetchMetrics(const HttpEndpoint& endpoint) {
  HttpConnection http(endpoint.host, endpoint.port, std::chrono::seconds(5));
  auto a = http.Get(endpoint.path.empty() ? "/metrics" : endpoint.path);
  if (a.status != 200) return std::nullopt;
  return std::move(a.body);
}

std::optional<double> ScrapeGauge(const HttpEndpoint& endpoint, std::string_view metric) {
  const auto text = FetchMetrics(endpoint);
  if (!text) return std::nullopt;
  return SumPrometheusSamples(*text, metric);
}

void ParallelFor(const HttpEndpoint& gateway, int count, int parallelism,
                 const std::function<void(GatewayApi&, int)>& fn) {
  std::atomic<int> next{0};
  std::mutex mu;
  std::string failure;
  const auto work = [&] {
    GatewayApi api(gateway);
    for (int i = next++; i < count; i = next++) {
      try {
        fn(api, i);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        if (failure.empty()) failure = e.what();
        next = count;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, std::min(parallelism, count)); ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  if (!failure.empty()) throw std::runtime_error(failure);
}

std::vector<Account> EnsureAccounts(const HttpEndpoint& gateway, const std::string& prefix,
                                    const std::string& role, int count, int parallelism,
                                    const std::string& cache_path,
                                    std::chrono::seconds min_validity) {
  std::vector<Account> accounts(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    accounts[static_cast<std::size_t>(i)].email =
        prefix + "-" + std::to_string(i) + "@loadgen.livedrop.test";
  }
  auto cached =
      cache_path.empty() ? std::map<std::string, Account>{} : ReadCache(cache_path, min_validity);
  // One probe decides whether the cache belongs to this platform (a fresh database or new
  // signing keys make every cached token useless).
  if (!cached.empty()) {
    GatewayApi probe(gateway);
    if (!probe.TokenWorks(cached.begin()->second.access_token)) cached.clear();
  }
  ParallelFor(gateway, count, parallelism, [&](GatewayApi& api, int i) {
    auto& account = accounts[static_cast<std::size_t>(i)];
    if (const auto it = cached.find(account.email); it != cached.end()) {
      account = it->second;
      return;
    }
    account = api.RegisterOrLogin(account.email, kPassword,
                                  "Loadgen " + role + " " + std::to_string(i), role);
  });
  if (!cache_path.empty()) {
    // Merge with what other account sets (the creator, other sizes) left in the same file.
    auto all = ReadCache(cache_path, std::chrono::seconds(0));
    for (const auto& a : accounts) all[a.email] = a;
    std::vector<Account> merged;
    for (auto& [_, a] : all) merged.push_back(std::move(a));
    WriteCache(cache_path, merged);
  }
  return accounts;
}

}  // namespace livedrop::loadgen
