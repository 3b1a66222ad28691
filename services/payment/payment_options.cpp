#include "payment_options.h"

#include "livedrop/config/config.h"

namespace livedrop::payment {

void PaymentOptions::Declare(config::Spec& spec) {
  const PaymentOptions d;
  spec.Enum("payment-provider", "The card processor (only the built-in test-mode one so far)",
            {"test"}, d.provider)
      .Duration("provider-timeout",
                "How long a charge waits for the processor before it fails provider_timeout",
                d.test_provider.timeout)
      .Duration("provider-latency", "Simulated processor round trip (test provider)",
                d.test_provider.latency)
      .Int("provider-remembered-orders",
           "Orders whose answer the test provider remembers for idempotency (older ones are "
           "asked again; about 250 bytes each)",
           static_cast<long long>(d.test_provider.remembered_orders), 1, 100000000);
}

PaymentOptions PaymentOptions::From(const config::Config& cfg) {
  PaymentOptions o;
  o.provider = cfg.GetString("payment-provider");
  o.test_provider.timeout = cfg.GetDuration("provider-timeout");
  o.test_provider.latency = cfg.GetDuration("provider-latency");
  o.test_provider.remembered_orders =
      static_cast<std::size_t>(cfg.GetInt("provider-remembered-orders"));
  return o;
}

}  // namespace livedrop::payment
