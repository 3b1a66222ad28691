// livedrop-orders: orders, Idempotency-Keys and the saga that reserves, charges and confirms.
#include "clients/drops_grpc_client.h"
#include "clients/inventory_grpc_client.h"
#include "clients/payment_grpc_client.h"
#include "drop_events_handler.h"
#include "livedrop/core/periodic.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/inventory/v1/inventory.grpc.pb.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/payment/v1/payment.grpc.pb.h"
#include "livedrop/service/service_main.h"
#include "orders_app.h"
#include "orders_grpc.h"
#include "orders_migrations.h"
#include "orders_options.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-orders", "Orders of Live Drops: the buying saga, exactly once.", "orders",
       &orders::Migrations(), 7005, 9005},
      argc, argv, &orders::OrdersOptions::Declare, [](service::Runtime& rt) {
        const auto options = orders::OrdersOptions::From(rt.config);
        auto drops = std::make_shared<orders::DropsGrpcClient>(
            rpc::MakeChannel<drops::v1::DropsService>(options.drops_addr), options.drops_timeout);
        auto inventory = std::make_shared<orders::InventoryGrpcClient>(
            rpc::MakeChannel<inventory::v1::InventoryService>(options.inventory_addr),
            options.inventory_timeout);
        auto payment = std::make_shared<orders::PaymentGrpcClient>(
            rpc::MakeChannel<payment::v1::PaymentService>(options.payment_addr),
            options.payment_timeout);
        auto app =
            std::make_shared<orders::OrdersApp>(rt.pool, *drops, *inventory, *payment, options);
        auto recovery = std::make_shared<Periodic>("order recovery", options.recovery_interval,
                                                   [app] { app->RecoverLapsedOrders(); });
        recovery->Start();
        auto key_sweeper = std::make_shared<Periodic>(
            "idempotency key sweep", options.key_sweep_interval, [app] { app->ForgetOldKeys(); });
        key_sweeper->Start();
        // A cancelled drop's orders are released or refunded (drop_cancelled).
        auto drop_events =
            std::make_shared<kafka::Consumer>(rt.Consumer("livedrop-orders", {topics::kDrops}));
        drop_events->Start(orders::DropEventsHandler(*app));
        auto grpc = std::make_shared<orders::OrdersGrpc>(*app);
        // Who may call which method (certificate names): the gateway acts for end users;
        // other services act as themselves.
        rt.Serve(grpc.get(), rpc::AccessPolicy().Allow<orders::v1::OrdersService>(
                                 {"PlaceOrder", "GetOrder", "ListOrders", "CancelOrder"},
                                 {rpc::kGatewayIdentity}));
        rt.Keep(drops);
        rt.Keep(inventory);
        rt.Keep(payment);
        rt.Keep(app);
        rt.Keep(recovery);
        rt.Keep(key_sweeper);
        rt.Keep(drop_events);
        rt.Keep(grpc);
      });
}
