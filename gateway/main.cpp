// livedrop-gateway: the public HTTP API. Wiring only: config → clients → routes → server.
#include <spdlog/spdlog.h>

#include "cache/drop_view_feed.h"
#include "cache/drop_view_store.h"
#include "clients/auth_client.h"
#include "clients/drops_client.h"
#include "clients/followers_client.h"
#include "clients/images_client.h"
#include "clients/inventory_client.h"
#include "clients/notifications_client.h"
#include "clients/orders_client.h"
#include "gateway_options.h"
#include "graphql_api/api.h"
#include "graphql_api/document_cache.h"
#include "livedrop/config/config.h"
#include "livedrop/config/service_options.h"
#include "livedrop/core/periodic.h"
#include "livedrop/core/shutdown.h"
#include "livedrop/grpc/client.h"
#include "livedrop/http/server.h"
#include "livedrop/http/websocket.h"
#include "livedrop/kafka/security.h"
#include "livedrop/log/access_log.h"
#include "livedrop/log/formatter.h"
#include "livedrop/metrics/admin_server.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/ratelimit/limiter.h"
#include "livedrop/redis/pool.h"
#include "routes/auth_routes.h"
#include "routes/drop_routes.h"
#include "routes/follow_routes.h"
#include "routes/graphql_routes.h"
#include "routes/image_routes.h"
#include "routes/notification_routes.h"
#include "routes/ops_routes.h"
#include "routes/order_routes.h"
#include "server/gateway.h"
#include "server/key_refresher.h"
#include "server/rate_limits.h"
#include "ws/graphql_sockets.h"
#include "ws/notification_feed.h"
#include "ws/notification_hub.h"
#include "ws/notification_sockets.h"

using namespace livedrop;

int main(int argc, char** argv) {
  BlockShutdownSignals();
  config::Spec spec("livedrop-gateway", "The public HTTP API of Live Drops.");
  gateway::GatewayOptions::Declare(spec);
  config::AddTlsOptions(spec);
  kafka::AddSecurityOptions(spec);
  config::AddLoggingOptions(spec);
  const config::Config cfg = config::ParseOrExit(spec, argc, argv);
  config::InitLogging(cfg, "livedrop-gateway");
  const auto o = gateway::GatewayOptions::From(cfg);

  try {
    kafka::SetProcessSecurity(kafka::SecurityFrom(cfg));  // the drop view and notification feeds
    // Mutual TLS to every service: the gateway's certificate is the one identity that may act
    // for an end user (the verified user travels in call metadata, RouteCall::origin).
    rpc::SetProcessTls(rpc::LoadTlsIdentity(cfg.GetString("grpc-tls-ca"),
                                            cfg.GetString("grpc-tls-cert"),
                                            cfg.GetString("grpc-tls-key")));
    const auto timeout = o.upstream_timeout;
    gateway::AuthClient auth(rpc::MakeChannel<auth::v1::AuthService>(o.auth_addr), timeout);
    gateway::FollowersClient followers(
        rpc::MakeChannel<followers::v1::FollowersService>(o.followers_addr), timeout);
    gateway::DropsClient drops(rpc::MakeChannel<drops::v1::DropsService>(o.drops_addr), timeout);
    gateway::ImagesClient images(
        rpc::MakeChannel<drops::v1::ProductImagesService>(o.drops_addr), timeout);
    gateway::InventoryClient inventory(
        rpc::MakeChannel<inventory::v1::InventoryService>(o.inventory_addr), timeout);
    gateway::OrdersClient orders(rpc::MakeChannel<orders::v1::OrdersService>(o.orders_addr),
                                 o.order_timeout);
    gateway::NotificationsClient notifications(
        rpc::MakeChannel<notifications::v1::NotificationsService>(o.notifications_addr), timeout);
    auth::JwtVerifier verifier(o.token_issuer, o.token_audience,
                               std::chrono::duration_cast<std::chrono::seconds>(o.token_leeway),
                               static_cast<std::size_t>(o.remembered_tokens),
                               metrics::CacheEvictionCounter("access_tokens"));
    // One JWKS source per auth address: the gateway verifies with every key any instance
    // publishes (a name that resolves to several instances is one source).
    std::vector<std::unique_ptr<gateway::AuthClient>> key_sources;
    std::vector<gateway::AuthClient*> key_source_ptrs;
    for (const auto& addr : cfg.GetList("auth-addr")) {
      key_sources.push_back(std::make_unique<gateway::AuthClient>(
          rpc::MakeChannel<auth::v1::AuthService>(addr), timeout));
      key_source_ptrs.push_back(key_sources.back().get());
    }
    gateway::KeyRefresher keys(key_source_ptrs, verifier,
                               std::chrono::duration_cast<std::chrono::seconds>(o.jwks_refresh));
    keys.Start();

    gateway::RouteTable table;
    // Limits shared by every gateway through Redis (from memory while it is down).
    std::unique_ptr<redis::Pool> limits_redis;
    if (!o.redis_url.empty()) {
      limits_redis = std::make_unique<redis::Pool>(redis::RedisOptions{o.redis_url});
    }
    ratelimit::Limiter limiter(limits_redis.get());
    auto limit_options = o.Limits();
    limit_options.in_flight_ttl = o.order_timeout + std::chrono::seconds(10);
    gateway::RateLimits limits(limiter, limit_options);
    gateway::AddAuthRoutes(table, auth, &limits);
    gateway::AddFollowRoutes(table, auth, followers, &limits);
    gateway::DropViewStore drop_views({o.drop_view_ttl, static_cast<std::size_t>(o.drop_views)});
    gateway::DropViewFeed drop_view_feed(drop_views, o.kafka_brokers);
    drop_view_feed.Start();
    gateway::AddDropRoutes(table, drops, inventory, drop_views);
    gateway::AddImageRoutes(table, images);
    gateway::AddOrderRoutes(table, orders, &limits);
    gateway::AddNotificationRoutes(table, notifications);
    graphql::EngineOptions graphql_options;
    graphql_options.limits.max_depth = o.graphql_max_depth;
    graphql_options.limits.max_aliases = o.graphql_max_aliases;
    graphql_options.limits.max_cost = o.graphql_max_cost;
    const auto graphql = gateway::MakeApiEngine(
        {auth, followers, drops, images, inventory, orders, notifications, &drop_views, &limits},
        graphql_options);
    gateway::DocumentCache graphql_documents(graphql, o.graphql_documents);
    gateway::AddGraphQLRoutes(table, *graphql, graphql_documents, &limits);
    gateway::NotificationHub hub;
    gateway::NotificationFeed feed(hub, o.kafka_brokers);
    feed.Start();
    const auto ready = [&] { return keys.Loaded() && feed.Ready() && drop_view_feed.Ready(); };
    gateway::AddOpsRoutes(table, ready);
    metrics::AdminServer admin(o.admin_listen, ready);  // /metrics: here only, not public
    auto& access_dropped = metrics::Registry::Default().GetCounter(
        "livedrop_access_log_dropped_total",
        "Access log lines dropped because the log writer fell behind (its ring was full)");
    log::AccessLog::Options access_options;
    access_options.on_dropped = [&access_dropped](std::uint64_t n) {
      access_dropped.Inc(static_cast<double>(n));
    };
    log::AccessLog access_log(log::InstalledFormatter(), log::StdoutSink(), access_options);
    gateway::Gateway gateway(table, verifier, &keys, &access_log, &limits);

    const auto [host, port] = config::SplitHostPort(o.http_listen);
    http::ServerOptions options;
    options.host = host;
    options.port = port;
    options.threads = o.http_threads;
    options.body_limit = static_cast<std::size_t>(o.body_limit);
    options.read_timeout = o.read_timeout;
    options.idle_timeout = o.idle_timeout;
    options.handler_timeout = std::max(timeout, o.order_timeout) + std::chrono::seconds(1);
    options.tls_cert_file = o.tls_cert;
    options.tls_key_file = o.tls_key;
    options.max_connections_per_ip = o.connections_per_ip;
    options.connection_cap_exempt = limit_options.connection_cap_exempt;
    http::Server server(options, [&](http::Request&& request, http::Responder responder) {
      gateway.Handle(std::move(request), std::move(responder));
    });
    gateway::NotificationSockets sockets(hub, verifier, &keys, followers, notifications, {},
                                         &limits);
    gateway::GraphQLSockets graphql_sockets(*graphql, graphql_documents, hub, verifier, &keys,
                                            followers, {}, &limits);
    http::WebSocketOptions ws_options;
    ws_options.max_message_bytes = 64 * 1024;  // a GraphQL subscribe carries its document
    ws_options.max_queued_bytes = static_cast<std::size_t>(o.ws_send_queue_kib) * 1024;
    ws_options.idle_timeout = o.ws_idle_timeout;
    ws_options.socket_send_buffer_bytes = o.ws_socket_send_buffer_kib * 1024;
    auto& send_wait = metrics::Registry::Default().GetHistogram(
        "livedrop_ws_send_wait_seconds",
        "From WebSocket::Send to its frame written to the connection (a fan-out's frames queue "
        "behind each other and the HTTP work of the same I/O threads)",
        metrics::DefaultLatencyBuckets());
    ws_options.on_frame_written = [&send_wait](std::chrono::steady_clock::duration waited) {
      send_wait.Observe(std::chrono::duration<double>(waited).count());
    };
    http::WebSocketServer websockets(server, ws_options,
                                     [&](std::shared_ptr<http::UpgradeRequest> upgrade) {
                                       if (upgrade->request().path == "/graphql") {
                                         return graphql_sockets.OnUpgrade(std::move(upgrade));
                                       }
                                       sockets.OnUpgrade(std::move(upgrade));
                                     });
    metrics::RegisterProcessMetrics();
    metrics::Registry::Default().AddGaugeCallback(
        "livedrop_ws_connections", "Open WebSocket connections",
        [&] { return static_cast<double>(websockets.open_connections()); });
    Periodic expiry("closing WebSockets with expired tokens or no connection_init",
                    std::chrono::seconds(5), [&] {
                      hub.CloseExpired(Now());
                      graphql_sockets.CloseUninitialised(Now());
                    });
    expiry.Start();
    admin.Start();
    // The public port opens once the gateway can serve: with no keys yet every token would be
    // refused as signed by an unknown key (a load balancer that had not yet seen a quick
    // restart sent requests to the new process before its /readyz turned 200). Meanwhile
    // checks find the port closed and go elsewhere; the admin port answers all along.
    std::optional<int> early = WaitUntilOrShutdownSignal(ready, std::chrono::milliseconds(20));
    if (!early) {
      server.Start();
      spdlog::info("gateway listening on {}://{}:{}",
                   options.tls_cert_file.empty() ? "http" : "https", host, server.port());
    }

    const int sig = early ? *early : WaitForShutdownSignal();
    spdlog::info("signal {} received, draining", sig);
    expiry.Stop();
    websockets.CloseAll(http::kCloseGoingAway, "server shutting down", std::chrono::seconds(2));
    feed.Stop();
    drop_view_feed.Stop();
    server.Stop(o.shutdown_grace);
    access_log.Stop();  // every line of the drained requests written
    admin.Stop();
    metrics::Registry::Default().RemoveGaugeCallback("livedrop_ws_connections");
    hub.Clear();
    keys.Stop();
  } catch (const std::exception& e) {
    spdlog::critical("livedrop-gateway cannot run: {}", e.what());
    return 1;
  }
  return 0;
}
