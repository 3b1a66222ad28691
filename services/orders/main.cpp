// livedrop-orders: orders, Idempotency-Keys and the saga that reserves, charges and confirms.
#include "drop_catalog.h"
#include "livedrop/core/periodic.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/inventory/v1/inventory.grpc.pb.h"
#include "livedrop/payment/v1/payment.grpc.pb.h"
#include "livedrop/service/service_main.h"
#include "order_recovery.h"
#include "order_saga.h"
#include "orders.h"
#include "orders_migrations.h"
#include "orders_service.h"

using namespace livedrop;
using std::chrono::milliseconds;

namespace {

std::optional<orders::Stage> CrashPoint(const std::string& name) {
  if (name == "none") return std::nullopt;
  return orders::ParseStage(name);
}

}  // namespace

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-orders", "Orders of Live Drops: the buying saga, exactly once.", "orders",
       &orders::Migrations(), 7005, 9005},
      argc, argv,
      [](config::Spec& spec) {
        spec.String("drops-addr", "livedrop-drops instances (host:port,...)", "127.0.0.1:7003")
            .String("inventory-addr", "livedrop-inventory instances", "127.0.0.1:7004")
            .String("payment-addr", "livedrop-payment instances", "127.0.0.1:7006")
            .Duration("order-lease",
                      "How long a driver owns an unfinished order before recovery takes over",
                      std::chrono::seconds(15))
            .Duration("recovery-interval", "How often lapsed orders are looked for",
                      std::chrono::seconds(1))
            .Duration("payment-timeout", "Deadline of a Charge or Refund call",
                      std::chrono::seconds(10))
            .Duration("drop-terms-ttl", "How long a drop's terms are remembered",
                      std::chrono::seconds(1))
            .Duration("sold-out-memory", "How long a sold-out drop is refused from memory",
                      std::chrono::seconds(1))
            .Int("idempotency-key-hours", "Idempotency-Keys are kept at least this long", 24, 24,
                 24 * 365)
            .Enum("fault-crash-after", "Tests only: exit right after persisting this saga stage",
                  {"none", "reserved", "charged"}, "none");
      },
      [](service::Runtime& rt) {
        const auto lease = rt.config.GetDuration("order-lease");
        auto catalog = std::make_shared<orders::DropCatalog>(
            rpc::MakeChannel<drops::v1::DropsService>(rt.config.GetString("drops-addr")),
            rt.config.GetDuration("drop-terms-ttl"), rt.config.GetDuration("sold-out-memory"));
        orders::SagaOptions saga_options;
        saga_options.lease = lease;
        saga_options.payment_timeout = rt.config.GetDuration("payment-timeout");
        saga_options.crash_after = CrashPoint(rt.config.GetString("fault-crash-after"));
        auto saga = std::make_shared<orders::OrderSaga>(
            rt.pool, *catalog,
            rpc::MakeChannel<inventory::v1::InventoryService>(
                rt.config.GetString("inventory-addr")),
            rpc::MakeChannel<payment::v1::PaymentService>(rt.config.GetString("payment-addr")),
            saga_options);
        auto orders = std::make_shared<orders::Orders>(rt.pool, *catalog, *saga, lease);
        auto recovery = std::make_shared<Periodic>(
            "order recovery", rt.config.GetDuration("recovery-interval"),
            [&pool = rt.pool, saga, lease] { orders::RecoverLapsedOrders(pool, *saga, lease); });
        recovery->Start();
        const std::chrono::hours keep(rt.config.GetInt("idempotency-key-hours"));
        auto key_sweeper = std::make_shared<Periodic>(
            "idempotency key sweep", std::chrono::minutes(1),
            [&pool = rt.pool, keep] { orders::ForgetOldKeys(pool, keep); });
        key_sweeper->Start();
        auto service = std::make_shared<orders::OrdersServiceImpl>(*orders);
        rt.Serve(service.get());
        rt.Keep(catalog);
        rt.Keep(saga);
        rt.Keep(orders);
        rt.Keep(recovery);
        rt.Keep(key_sweeper);
        rt.Keep(service);
      });
}
