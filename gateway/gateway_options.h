#pragma once

#include <chrono>
#include <string>

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::gateway {

struct RateLimitOptions;

// Every setting of livedrop-gateway. The member initializers are the flags' defaults (Declare
// reads them from a default-constructed GatewayOptions), as in every service's options.
struct GatewayOptions {
  std::string http_listen = "127.0.0.1:8080";
  // /metrics, /healthz and /readyz for operators and Prometheus: never on the public port.
  std::string admin_listen = "127.0.0.1:9080";
  int http_threads = 2;
  int body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  std::string tls_cert;
  std::string tls_key;

  std::string auth_addr = "127.0.0.1:7001";
  std::string followers_addr = "127.0.0.1:7002";
  std::string drops_addr = "127.0.0.1:7003";
  std::string inventory_addr = "127.0.0.1:7004";
  std::string orders_addr = "127.0.0.1:7005";
  std::string notifications_addr = "127.0.0.1:7007";
  std::string kafka_brokers;  // required: live notifications
  std::chrono::milliseconds upstream_timeout = std::chrono::seconds(5);
  std::chrono::milliseconds order_timeout = std::chrono::seconds(20);

  int ws_send_queue_kib = 256;
  int ws_socket_send_buffer_kib = 0;
  std::chrono::milliseconds ws_idle_timeout = std::chrono::seconds(60);

  // Hot drops' views in memory (cache/drop_view_store.h): the TTL backstop and how many.
  std::chrono::milliseconds drop_view_ttl = std::chrono::seconds(2);
  int drop_views = 10000;

  // GraphQL: the prepared documents kept (persisted queries among them) and the limits of one
  // operation.
  int graphql_documents = 2000;
  int graphql_max_depth = 12;
  int graphql_max_aliases = 30;
  int graphql_max_cost = 5000;

  std::string token_issuer = "livedrop";
  std::string token_audience = "livedrop-api";
  std::chrono::milliseconds token_leeway = std::chrono::seconds(30);
  // Access tokens whose signature was checked, remembered so the next request with the same
  // token skips the check (0: every request checks it).
  int remembered_tokens = 20000;
  std::chrono::milliseconds jwks_refresh = std::chrono::minutes(5);
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(10);

  // Limits (server/rate_limits.h; defaults in docs/ARCHITECTURE.md, Security): quotas per
  // rate_limit_window, shared by every gateway through Redis (from memory while it is down, or
  // without --redis-url); 0 turns a limit off.
  std::string redis_url;
  std::string trusted_proxies;    // comma-separated: X-Forwarded-For is believed from these
  std::string rate_limit_exempt;  // comma-separated client addresses without per-IP limits
  std::chrono::milliseconds rate_limit_window = std::chrono::minutes(1);
  int login_per_ip = 100;
  int login_per_account = 10;
  int register_per_ip = 20;
  int register_per_account = 5;
  int refresh_per_ip = 300;
  int refresh_per_token = 10;
  int orders_per_buyer = 30;
  int orders_in_flight = 2;
  int follows_per_user = 60;
  int ws_per_user = 30;
  int ws_open_per_user = 5;
  int reads_per_ip = 0;
  int connections_per_ip = 256;  // HTTP connections at once (trusted proxies exempt)
  RateLimitOptions Limits() const;

  static void Declare(config::Spec& spec);
  static GatewayOptions From(const config::Config& cfg);
};

}  // namespace livedrop::gateway
