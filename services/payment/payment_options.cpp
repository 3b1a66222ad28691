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
                d.test_provider.latency);
}

PaymentOptions PaymentOptions::From(const config::Config& cfg) {
  PaymentOptions o;
  o.provider = cfg.GetString("payment-provider");
  o.test_provider.timeout = cfg.GetDuration("provider-timeout");
  o.test_provider.latency = cfg.GetDuration("provider-latency");
  return o;
}

}  // namespace livedrop::payment
