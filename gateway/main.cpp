// livedrop-gateway: the public HTTP API. Wiring only: config → clients → routes → server.
#include <spdlog/spdlog.h>

#include "clients/auth_client.h"
#include "clients/drops_client.h"
#include "clients/followers_client.h"
#include "clients/inventory_client.h"
#include "clients/notifications_client.h"
#include "clients/orders_client.h"
#include "livedrop/config/config.h"
#include "livedrop/config/service_options.h"
#include "livedrop/core/periodic.h"
#include "livedrop/core/shutdown.h"
#include "livedrop/grpc/client.h"
#include "livedrop/http/server.h"
#include "livedrop/http/websocket.h"
#include "livedrop/metrics/registry.h"
#include "routes/auth_routes.h"
#include "routes/drop_routes.h"
#include "routes/follow_routes.h"
#include "routes/notification_routes.h"
#include "routes/ops_routes.h"
#include "routes/order_routes.h"
#include "server/gateway.h"
#include "server/key_refresher.h"
#include "ws/notification_feed.h"
#include "ws/notification_hub.h"
#include "ws/notification_sockets.h"

using namespace livedrop;

int main(int argc, char** argv) {
  BlockShutdownSignals();
  config::Spec spec("livedrop-gateway", "The public HTTP API of Live Drops.");
  spec.String("http-listen", "Address the HTTP API listens on", "127.0.0.1:8080")
      .Int("http-threads", "I/O threads", 2, 1, 64)
      .Int("body-limit", "Largest accepted request body in bytes", 64 * 1024, 1024, 16 << 20)
      .Duration("read-timeout", "Time allowed to receive a whole request", std::chrono::seconds(10))
      .Duration("idle-timeout", "Keep-alive connections close after this long idle",
                std::chrono::seconds(60))
      .Duration("upstream-timeout", "Deadline of each call to a service", std::chrono::seconds(5))
      .String("tls-cert", "PEM certificate file; with --tls-key serves HTTPS", "")
      .String("tls-key", "PEM private key file for --tls-cert", "")
      .String("auth-addr", "livedrop-auth instances (host:port,...)", "127.0.0.1:7001")
      .String("followers-addr", "livedrop-followers instances (host:port,...)", "127.0.0.1:7002")
      .String("drops-addr", "livedrop-drops instances (host:port,...)", "127.0.0.1:7003")
      .String("inventory-addr", "livedrop-inventory instances (host:port,...)", "127.0.0.1:7004")
      .String("orders-addr", "livedrop-orders instances (host:port,...)", "127.0.0.1:7005")
      .String("notifications-addr", "livedrop-notifications instances (host:port,...)",
              "127.0.0.1:7007")
      .String("kafka-brokers", "Kafka bootstrap servers (host:port,...): live notifications")
      .Int("ws-send-queue-kib", "A WebSocket whose unsent frames exceed this is closed (4008)", 256,
           16, 64 * 1024)
      .Int("ws-socket-send-buffer-kib", "SO_SNDBUF of each WebSocket (0: the kernel's)", 0, 0,
           16 * 1024)
      .Duration("ws-idle-timeout", "A WebSocket silent this long (pings unanswered) is closed",
                std::chrono::seconds(60))
      .Duration("order-timeout",
                "Deadline of placing an order (the whole saga, a payment included)",
                std::chrono::seconds(20))
      .String("token-issuer", "Expected iss claim of access tokens", "livedrop")
      .Duration("jwks-refresh", "How often to refresh access-token keys", std::chrono::minutes(5))
      .Duration("shutdown-grace", "Time in-flight requests get to finish on SIGTERM",
                std::chrono::seconds(10));
  config::AddLoggingOptions(spec);
  const config::Config cfg = config::ParseOrExit(spec, argc, argv);
  config::InitLogging(cfg, "livedrop-gateway");

  try {
    const auto timeout = cfg.GetDuration("upstream-timeout");
    gateway::AuthClient auth(rpc::MakeChannel<auth::v1::AuthService>(cfg.GetString("auth-addr")),
                             timeout);
    gateway::FollowersClient followers(
        rpc::MakeChannel<followers::v1::FollowersService>(cfg.GetString("followers-addr")),
        timeout);
    gateway::DropsClient drops(
        rpc::MakeChannel<drops::v1::DropsService>(cfg.GetString("drops-addr")), timeout);
    gateway::InventoryClient inventory(
        rpc::MakeChannel<inventory::v1::InventoryService>(cfg.GetString("inventory-addr")),
        timeout);
    gateway::OrdersClient orders(
        rpc::MakeChannel<orders::v1::OrdersService>(cfg.GetString("orders-addr")),
        cfg.GetDuration("order-timeout"));
    gateway::NotificationsClient notifications(
        rpc::MakeChannel<notifications::v1::NotificationsService>(
            cfg.GetString("notifications-addr")),
        timeout);
    auth::JwtVerifier verifier(cfg.GetString("token-issuer"));
    gateway::KeyRefresher keys(
        auth, verifier,
        std::chrono::duration_cast<std::chrono::seconds>(cfg.GetDuration("jwks-refresh")));
    keys.Start();

    gateway::RouteTable table;
    gateway::AddAuthRoutes(table, auth);
    gateway::AddFollowRoutes(table, auth, followers);
    gateway::AddDropRoutes(table, drops, inventory);
    gateway::AddOrderRoutes(table, orders);
    gateway::AddNotificationRoutes(table, notifications);
    gateway::NotificationHub hub;
    gateway::NotificationFeed feed(hub, cfg.GetString("kafka-brokers"));
    feed.Start();
    gateway::AddOpsRoutes(table, [&] { return keys.Loaded() && feed.Ready(); });
    gateway::Gateway gateway(table, verifier, &keys);

    const auto [host, port] = config::SplitHostPort(cfg.GetString("http-listen"));
    http::ServerOptions options;
    options.host = host;
    options.port = port;
    options.threads = static_cast<int>(cfg.GetInt("http-threads"));
    options.body_limit = static_cast<std::size_t>(cfg.GetInt("body-limit"));
    options.read_timeout = cfg.GetDuration("read-timeout");
    options.idle_timeout = cfg.GetDuration("idle-timeout");
    options.handler_timeout =
        std::max(timeout, cfg.GetDuration("order-timeout")) + std::chrono::seconds(1);
    options.tls_cert_file = cfg.GetString("tls-cert");
    options.tls_key_file = cfg.GetString("tls-key");
    http::Server server(options, [&](http::Request&& request, http::Responder responder) {
      gateway.Handle(std::move(request), std::move(responder));
    });
    gateway::NotificationSockets sockets(hub, verifier, &keys, followers, notifications);
    http::WebSocketOptions ws_options;
    ws_options.max_queued_bytes = static_cast<std::size_t>(cfg.GetInt("ws-send-queue-kib")) * 1024;
    ws_options.idle_timeout = cfg.GetDuration("ws-idle-timeout");
    ws_options.socket_send_buffer_bytes =
        static_cast<int>(cfg.GetInt("ws-socket-send-buffer-kib")) * 1024;
    http::WebSocketServer websockets(server, ws_options,
                                     [&](auto upgrade) { sockets.OnUpgrade(std::move(upgrade)); });
    metrics::RegisterProcessMetrics();
    metrics::Registry::Default().AddGaugeCallback(
        "livedrop_ws_connections", "Open WebSocket connections",
        [&] { return static_cast<double>(websockets.open_connections()); });
    Periodic expiry("closing WebSockets with expired tokens", std::chrono::seconds(5),
                    [&] { hub.CloseExpired(Now()); });
    expiry.Start();
    server.Start();
    spdlog::info("gateway listening on {}://{}:{}",
                 options.tls_cert_file.empty() ? "http" : "https", host, server.port());

    const int sig = WaitForShutdownSignal();
    spdlog::info("signal {} received, draining", sig);
    expiry.Stop();
    websockets.CloseAll(http::kCloseGoingAway, "server shutting down", std::chrono::seconds(2));
    feed.Stop();
    server.Stop(cfg.GetDuration("shutdown-grace"));
    metrics::Registry::Default().RemoveGaugeCallback("livedrop_ws_connections");
    hub.Clear();
    keys.Stop();
  } catch (const std::exception& e) {
    spdlog::critical("livedrop-gateway cannot run: {}", e.what());
    return 1;
  }
  return 0;
}
