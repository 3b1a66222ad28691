#include "gateway_options.h"

#include "livedrop/config/config.h"
#include "server/rate_limits.h"

namespace livedrop::gateway {
namespace {

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(item);
    start = end + 1;
  }
  return items;
}

// The limits' flags; each quota counts per --rate-limit-window.
void DeclareLimits(config::Spec& spec, const GatewayOptions& d) {
  constexpr long long kMax = 1000000;
  spec.String("redis-url",
              "Redis shared by every gateway for rate limits (redis://host:port); empty: each "
              "gateway limits from its own memory",
              d.redis_url)
      .String("trusted-proxies",
              "Load balancers (IP or IPv4 range a.b.c.d/n,...) whose X-Forwarded-For names the "
              "client",
              d.trusted_proxies)
      .String("rate-limit-exempt",
              "Client IPs or IPv4 ranges (,...) no per-IP limit or connection cap applies to",
              d.rate_limit_exempt)
      .Duration("rate-limit-window", "The window every --*-per-* quota counts in",
                d.rate_limit_window)
      .Int("login-per-ip", "Logins per window from one client IP", d.login_per_ip, 0, kMax)
      .Int("login-per-account", "Logins per window for one email", d.login_per_account, 0, kMax)
      .Int("register-per-ip", "Registrations per window from one client IP", d.register_per_ip,
           0, kMax)
      .Int("register-per-account", "Registrations per window for one email",
           d.register_per_account, 0, kMax)
      .Int("refresh-per-ip", "Token refreshes per window from one client IP", d.refresh_per_ip,
           0, kMax)
      .Int("refresh-per-token", "Refreshes per window of one refresh token", d.refresh_per_token,
           0, kMax)
      .Int("orders-per-buyer", "POST /v1/orders per window for one buyer", d.orders_per_buyer, 0,
           kMax)
      .Int("orders-in-flight", "POST /v1/orders of one buyer at once (0: no cap)",
           d.orders_in_flight, 0, kMax)
      .Int("follows-per-user", "Follows and unfollows per window for one user",
           d.follows_per_user, 0, kMax)
      .Int("ws-per-user", "WebSocket connections opened per window by one user", d.ws_per_user,
           0, kMax)
      .Int("ws-open-per-user", "WebSocket connections of one user at once (0: no cap)",
           d.ws_open_per_user, 0, kMax)
      .Int("reads-per-ip", "GET and HEAD requests per window from one client IP (0: none)",
           d.reads_per_ip, 0, kMax)
      .Int("connections-per-ip",
           "HTTP connections at once from one address (trusted proxies exempt; 0: no cap)",
           d.connections_per_ip, 0, kMax);
}

void ReadLimits(const config::Config& cfg, GatewayOptions& o) {
  auto get = [&cfg](const char* key) { return static_cast<int>(cfg.GetInt(key)); };
  o.redis_url = cfg.GetString("redis-url");
  o.trusted_proxies = cfg.GetString("trusted-proxies");
  o.rate_limit_exempt = cfg.GetString("rate-limit-exempt");
  o.rate_limit_window = cfg.GetDuration("rate-limit-window");
  o.login_per_ip = get("login-per-ip");
  o.login_per_account = get("login-per-account");
  o.register_per_ip = get("register-per-ip");
  o.register_per_account = get("register-per-account");
  o.refresh_per_ip = get("refresh-per-ip");
  o.refresh_per_token = get("refresh-per-token");
  o.orders_per_buyer = get("orders-per-buyer");
  o.orders_in_flight = get("orders-in-flight");
  o.follows_per_user = get("follows-per-user");
  o.ws_per_user = get("ws-per-user");
  o.ws_open_per_user = get("ws-open-per-user");
  o.reads_per_ip = get("reads-per-ip");
  o.connections_per_ip = get("connections-per-ip");
}

}  // namespace

void GatewayOptions::Declare(config::Spec& spec) {
  const GatewayOptions d;
  spec.String("http-listen", "Address the HTTP API listens on", d.http_listen)
      .HostPort("admin-listen", "Address of /metrics, /healthz and /readyz (not public)",
                d.admin_listen)
      .Int("http-threads", "I/O threads", d.http_threads, 1, 64)
      .Int("body-limit", "Largest accepted request body in bytes", d.body_limit, 1024, 16 << 20)
      .Duration("read-timeout", "Time allowed to receive a whole request", d.read_timeout)
      .Duration("idle-timeout", "Keep-alive connections close after this long idle", d.idle_timeout)
      .Duration("upstream-timeout", "Deadline of each call to a service", d.upstream_timeout)
      .String("tls-cert", "PEM certificate file; with --tls-key serves HTTPS", d.tls_cert)
      .String("tls-key", "PEM private key file for --tls-cert", d.tls_key)
      .String("auth-addr", "livedrop-auth instances (host:port,...)", d.auth_addr)
      .String("followers-addr", "livedrop-followers instances (host:port,...)", d.followers_addr)
      .String("drops-addr", "livedrop-drops instances (host:port,...)", d.drops_addr)
      .String("inventory-addr", "livedrop-inventory instances (host:port,...)", d.inventory_addr)
      .String("orders-addr", "livedrop-orders instances (host:port,...)", d.orders_addr)
      .String("notifications-addr", "livedrop-notifications instances (host:port,...)",
              d.notifications_addr)
      .String("kafka-brokers", "Kafka bootstrap servers (host:port,...): live notifications")
      .Int("ws-send-queue-kib", "A WebSocket whose unsent frames exceed this is closed (4008)",
           d.ws_send_queue_kib, 16, 64 * 1024)
      .Int("ws-socket-send-buffer-kib", "SO_SNDBUF of each WebSocket (0: the kernel's)",
           d.ws_socket_send_buffer_kib, 0, 16 * 1024)
      .Duration("ws-idle-timeout", "A WebSocket silent this long (pings unanswered) is closed",
                d.ws_idle_timeout)
      .Duration("order-timeout",
                "Deadline of placing an order (the whole saga, a payment included)",
                d.order_timeout)
      .Duration("drop-view-ttl",
                "How long a drop view kept in memory is served before it is loaded again "
                "(events keep it fresh meanwhile); 0 turns the store off",
                d.drop_view_ttl)
      .Int("drop-views", "Drop views kept in memory (the least recently read go first)",
           d.drop_views, 0, 10000000)
      .Int("graphql-documents", "Prepared GraphQL documents (and persisted queries) kept",
           d.graphql_documents, 1, 1000000)
      .Int("graphql-max-depth", "Deepest selection nesting of a GraphQL operation",
           d.graphql_max_depth, 1, 100)
      .Int("graphql-max-aliases", "Most aliased fields in a GraphQL operation",
           d.graphql_max_aliases, 0, 10000)
      .Int("graphql-max-cost",
           "Budget of a GraphQL operation (a field is 1, a list times its size)",
           d.graphql_max_cost, 1, 10000000)
      .String("token-issuer", "Expected iss claim of access tokens", d.token_issuer)
      .String("token-audience", "Expected aud claim of access tokens", d.token_audience)
      .Duration("token-leeway", "Clock skew allowed on the exp, iat and nbf of access tokens",
                d.token_leeway)
      .Int("remembered-tokens",
           "Access tokens whose signature was checked, remembered so that the next request with "
           "the same token skips the check (the least recently used go first; 0: off)",
           d.remembered_tokens, 0, 10000000)
      .Duration("jwks-refresh", "How often to refresh access-token keys", d.jwks_refresh)
      .Duration("shutdown-grace", "Time in-flight requests get to finish on SIGTERM",
                d.shutdown_grace);
  DeclareLimits(spec, d);
}

GatewayOptions GatewayOptions::From(const config::Config& cfg) {
  GatewayOptions o;
  o.http_listen = cfg.GetString("http-listen");
  o.admin_listen = cfg.GetString("admin-listen");
  o.http_threads = static_cast<int>(cfg.GetInt("http-threads"));
  o.body_limit = static_cast<int>(cfg.GetInt("body-limit"));
  o.read_timeout = cfg.GetDuration("read-timeout");
  o.idle_timeout = cfg.GetDuration("idle-timeout");
  o.tls_cert = cfg.GetString("tls-cert");
  o.tls_key = cfg.GetString("tls-key");
  o.auth_addr = cfg.GetString("auth-addr");
  o.followers_addr = cfg.GetString("followers-addr");
  o.drops_addr = cfg.GetString("drops-addr");
  o.inventory_addr = cfg.GetString("inventory-addr");
  o.orders_addr = cfg.GetString("orders-addr");
  o.notifications_addr = cfg.GetString("notifications-addr");
  o.kafka_brokers = cfg.GetString("kafka-brokers");
  o.upstream_timeout = cfg.GetDuration("upstream-timeout");
  o.order_timeout = cfg.GetDuration("order-timeout");
  o.ws_send_queue_kib = static_cast<int>(cfg.GetInt("ws-send-queue-kib"));
  o.ws_socket_send_buffer_kib = static_cast<int>(cfg.GetInt("ws-socket-send-buffer-kib"));
  o.ws_idle_timeout = cfg.GetDuration("ws-idle-timeout");
  o.drop_view_ttl = cfg.GetDuration("drop-view-ttl");
  o.drop_views = static_cast<int>(cfg.GetInt("drop-views"));
  o.graphql_documents = static_cast<int>(cfg.GetInt("graphql-documents"));
  o.graphql_max_depth = static_cast<int>(cfg.GetInt("graphql-max-depth"));
  o.graphql_max_aliases = static_cast<int>(cfg.GetInt("graphql-max-aliases"));
  o.graphql_max_cost = static_cast<int>(cfg.GetInt("graphql-max-cost"));
  o.token_issuer = cfg.GetString("token-issuer");
  o.token_audience = cfg.GetString("token-audience");
  o.token_leeway = cfg.GetDuration("token-leeway");
  o.remembered_tokens = static_cast<int>(cfg.GetInt("remembered-tokens"));
  o.jwks_refresh = cfg.GetDuration("jwks-refresh");
  o.shutdown_grace = cfg.GetDuration("shutdown-grace");
  ReadLimits(cfg, o);
  return o;
}

RateLimitOptions GatewayOptions::Limits() const {
  const auto window = std::chrono::duration_cast<std::chrono::seconds>(rate_limit_window);
  auto policy = [window](const char* name, int quota) {
    return ratelimit::Policy{name, quota, window};
  };
  RateLimitOptions r;
  auto& p = r.policies;
  p.login_ip = policy("login-ip", login_per_ip);
  p.login_account = policy("login-account", login_per_account);
  p.register_ip = policy("register-ip", register_per_ip);
  p.register_account = policy("register-account", register_per_account);
  p.refresh_ip = policy("refresh-ip", refresh_per_ip);
  p.refresh_token = policy("refresh-token", refresh_per_token);
  p.orders_buyer = policy("orders-buyer", orders_per_buyer);
  p.follows_user = policy("follows-user", follows_per_user);
  p.ws_user = policy("ws-user", ws_per_user);
  p.reads_ip = policy("reads-ip", reads_per_ip);
  p.orders_in_flight = orders_in_flight;
  p.ws_open = ws_open_per_user;
  r.trusted_proxies = http::AddressList(Split(trusted_proxies));
  r.exempt = http::AddressList(Split(rate_limit_exempt));
  r.connection_cap_exempt = http::AddressList(Split(trusted_proxies + "," + rate_limit_exempt));
  return r;
}

}  // namespace livedrop::gateway
