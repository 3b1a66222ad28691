// livedrop-payment: charges and refunds of orders, each order captured at most once.
#include <memory>

#include "livedrop/service/service_main.h"
#include "payment_app.h"
#include "payment_grpc.h"
#include "payment_migrations.h"
#include "payment_options.h"
#include "test_provider.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-payment", "Payments of Live Drops orders.", "payment", &payment::Migrations(),
       7006, 9006},
      argc, argv, &payment::PaymentOptions::Declare, [](service::Runtime& rt) {
        const auto options = payment::PaymentOptions::From(rt.config);
        // --payment-provider allows only "test" so far.
        // The test processor keeps its ledger in this database (a real one keeps its own).
        auto provider = std::make_shared<payment::TestProvider>(rt.pool, options.test_provider);
        auto payments = std::make_shared<payment::PgPaymentsRepository>(rt.pool);
        auto app = std::make_shared<payment::PaymentApp>(*payments, *provider);
        auto grpc = std::make_shared<payment::PaymentGrpc>(*app);
        rt.Serve(grpc.get());
        rt.Keep(provider);
        rt.Keep(payments);
        rt.Keep(app);
        rt.Keep(grpc);
      });
}
