// livedrop-payment: charges and refunds of orders, each order captured at most once.
#include <memory>

#include "livedrop/core/executor.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/service/service_main.h"
#include "payment_app.h"
#include "payment_grpc.h"
#include "payment_migrations.h"
#include "payment_options.h"
#include "payment_writer.h"
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
        // Its executor is kept first, so it goes last: the app (released before the provider)
        // waits for every answer it is owed, and the provider for its own calls.
        auto processor =
            std::make_shared<Executor>(ExecutorOptions{"test processor", options.provider_threads});
        auto provider =
            std::make_shared<payment::TestProvider>(rt.pool, *processor, options.test_provider);
        auto payments = std::make_shared<payment::PaymentWriter>(rt.pool, options.write_batching,
                                                                 options.write_lanes);
        auto app = std::make_shared<payment::PaymentApp>(*payments, *provider, options.threads,
                                                         options.max_in_flight);
        auto grpc = std::make_shared<payment::PaymentGrpc>(*app);
        // Who may call which method (certificate names): the gateway acts for end users;
        // other services act as themselves.
        rt.Serve(grpc.get(), rpc::AccessPolicy().Allow<payment::v1::PaymentService>(
                                 {"Charge", "Refund", "GetPayment"}, {"livedrop-orders"}));
        rt.Keep(processor);
        rt.Keep(provider);
        rt.Keep(payments);
        rt.Keep(app);
        rt.Keep(grpc);
      });
}
