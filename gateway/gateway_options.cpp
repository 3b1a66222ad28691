#include "gateway_options.h"

#include "livedrop/config/config.h"

namespace livedrop::gateway {

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
      .Duration("jwks-refresh", "How often to refresh access-token keys", d.jwks_refresh)
      .Duration("shutdown-grace", "Time in-flight requests get to finish on SIGTERM",
                d.shutdown_grace);
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
  o.jwks_refresh = cfg.GetDuration("jwks-refresh");
  o.shutdown_grace = cfg.GetDuration("shutdown-grace");
  return o;
}

}  // namespace livedrop::gateway
