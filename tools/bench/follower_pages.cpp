// livedrop-bench-followers: seeds a creator with N followers straight into PostgreSQL (one
// set-based INSERT, not N API calls) and measures, through the gateway, how long the first
// page of their followers takes against pages deep in the list.
//
//   livedrop-bench-followers --pg-url=postgresql://livedrop@127.0.0.1:55432/livedrop \
//       --gateway=127.0.0.1:8080 --followers=1000000
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

#include "livedrop/config/config.h"
#include "livedrop/core/ids.h"

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Page {
  double ms;
  std::size_t items;
  std::string next_cursor;
};

class Client {
 public:
  Client(const std::string& host, int port) : stream_(io_) {
    stream_.connect({asio::ip::make_address(host), static_cast<unsigned short>(port)});
  }
  // Registers a creator account and returns its id.
  std::string RegisterCreator() {
    bhttp::request<bhttp::string_body> req(bhttp::verb::post, "/v1/auth/register", 11);
    req.set(bhttp::field::host, "bench");
    req.set(bhttp::field::content_type, "application/json");
    req.body() = json::serialize(json::object{{"email", "bench-" + livedrop::NewUuid() + "@example.com"},
                                              {"password", "bench-pass-1"},
                                              {"display_name", "Bench creator"},
                                              {"role", "creator"}});
    req.prepare_payload();
    bhttp::write(stream_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream_, buffer_, res);
    if (res.result_int() != 201) throw std::runtime_error("register: " + res.body());
    return std::string(json::parse(res.body()).at("user").at("id").as_string());
  }

  Page Get(const std::string& target) {
    bhttp::request<bhttp::empty_body> req(bhttp::verb::get, target, 11);
    req.set(bhttp::field::host, "bench");
    const auto start = Clock::now();
    bhttp::write(stream_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream_, buffer_, res);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (res.result_int() != 200) throw std::runtime_error("GET " + target + ": " + res.body());
    const auto body = json::parse(res.body()).as_object();
    Page page{ms, body.at("items").as_array().size(), ""};
    if (body.at("next_cursor").is_string()) page.next_cursor = body.at("next_cursor").as_string();
    return page;
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

void Seed(const std::string& pg_url, const std::string& creator, long long followers) {
  pqxx::connection conn(pg_url);
  pqxx::work tx(conn);
  const auto start = Clock::now();
  // The creator is a real account (the API checks); follower ids need not be for paging.
  tx.exec_params(
      "INSERT INTO followers.follows (creator_id, follower_id, followed_at) "
      "SELECT $1::uuid, gen_random_uuid(), now() - g * interval '1 second' "
      "FROM generate_series(1, $2::bigint) g",
      creator, followers);
  tx.exec_params(
      "INSERT INTO followers.follow_counts (user_id, slot, followers, following) "
      "VALUES ($1::uuid, 0, $2::bigint, 0)",
      creator, followers);
  tx.commit();
  pqxx::nontransaction(conn).exec("ANALYZE followers.follows");
  std::cout << "seeded " << followers << " followers in "
            << std::chrono::duration<double>(Clock::now() - start).count() << " s\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace livedrop;
  config::Spec spec("livedrop-bench-followers",
                    "Seeds a creator with many followers and compares first-page and deep-page "
                    "latency of GET /v1/creators/{id}/followers.");
  spec.String("pg-url", "PostgreSQL URL of the platform")
      .String("gateway", "Gateway host:port", "127.0.0.1:8080")
      .Int("followers", "Followers to seed", 1000000, 1000, 50000000)
      .Int("page-size", "limit per page", 200, 1, 200)
      .Int("samples", "Timed requests of the first page (and of a deep page)", 200, 10, 100000)
      .String("creator", "Reuse an already seeded creator instead of seeding", "");
  const auto cfg = config::ParseOrExit(spec, argc, argv);
  const auto [host, port] = config::SplitHostPort(cfg.GetString("gateway"));
  Client client(host, port);
  std::string creator = cfg.GetString("creator");
  if (creator.empty()) {
    creator = client.RegisterCreator();
    Seed(cfg.GetString("pg-url"), creator, cfg.GetInt("followers"));
  }
  const std::string base = "/v1/creators/" + creator + "/followers?limit=" +
                           std::to_string(cfg.GetInt("page-size"));

  // Walk the whole list once: every page must be full until the last, and the walk gives a
  // cursor deep in the list.
  std::vector<double> walk;
  std::size_t total = 0;
  std::string cursor, deep_cursor;
  const auto walk_start = Clock::now();
  do {
    const auto page = client.Get(base + (cursor.empty() ? "" : "&cursor=" + cursor));
    walk.push_back(page.ms);
    total += page.items;
    if (!page.next_cursor.empty()) deep_cursor = cursor.empty() ? deep_cursor : cursor;
    cursor = page.next_cursor;
  } while (!cursor.empty());
  const double walk_s = std::chrono::duration<double>(Clock::now() - walk_start).count();

  const int samples = static_cast<int>(cfg.GetInt("samples"));
  std::vector<double> first, deep;
  for (int i = 0; i < samples; ++i) {
    first.push_back(client.Get(base).ms);
    deep.push_back(client.Get(base + "&cursor=" + deep_cursor).ms);
  }
  const double first_p50 = Percentile(first, 0.5), deep_p50 = Percentile(deep, 0.5);
  std::cout << "creator " << creator << ": walked " << total << " followers in " << walk.size()
            << " pages (" << walk_s << " s)\n"
            << "first page: p50 " << first_p50 << " ms, p95 " << Percentile(first, 0.95)
            << " ms\n"
            << "deep page (the last full page): p50 " << deep_p50 << " ms, p95 "
            << Percentile(deep, 0.95) << " ms\n"
            << "deep / first (p50): " << deep_p50 / first_p50 << "\n";
  return 0;
}
