// livedrop-payment: charges and refunds of orders, each order captured at most once.
#include <memory>

#include "livedrop/service/service_main.h"
#include "payment_migrations.h"
#include "payment_service.h"
#include "payments.h"
#include "test_provider.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-payment", "Payments of Live Drops orders.", "payment", &payment::Migrations(),
       7006, 9006},
      argc, argv,
      [](config::Spec& spec) {
        // Only the test-mode processor exists so far; a real one is another PaymentProvider.
        spec.Enum("payment-provider", "The card processor (only the built-in test-mode one so far)",
                  {"test"}, "test")
            .Duration("provider-timeout",
                      "How long a charge waits for the processor before it fails "
                      "provider_timeout",
                      std::chrono::seconds(2))
            .Duration("provider-latency", "Simulated processor round trip (test provider)",
                      std::chrono::milliseconds(0))
            .Int("provider-remembered-orders",
                 "Orders whose answer the test provider remembers for idempotency (older ones "
                 "are asked again; about 250 bytes each)",
                 100000, 1, 100000000);
      },
      [](service::Runtime& rt) {
        auto provider = std::make_shared<payment::TestProvider>(payment::TestProviderOptions{
            rt.config.GetDuration("provider-timeout"), rt.config.GetDuration("provider-latency"),
            static_cast<std::size_t>(rt.config.GetInt("provider-remembered-orders"))});
        auto payments = std::make_shared<payment::Payments>(rt.pool, *provider);
        auto service = std::make_shared<payment::PaymentServiceImpl>(*payments);
        rt.Serve(service.get());
        rt.Keep(provider);
        rt.Keep(payments);
        rt.Keep(service);
      });
}
