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
      .Int("payment-threads",
           "Threads for the database steps of charges and refunds (none waits for the processor)",
           d.threads, 1, 256)
      .Int("provider-threads", "Threads of the test processor (its ledger's statements)",
           d.provider_threads, 1, 256)
      .Int("max-charges-in-flight",
           "Charges and refunds being answered at once; beyond it: overloaded (RESOURCE_EXHAUSTED)",
           d.max_in_flight, 1, 1000000);
}

PaymentOptions PaymentOptions::From(const config::Config& cfg) {
  PaymentOptions o;
  o.provider = cfg.GetString("payment-provider");
  o.test_provider.timeout = cfg.GetDuration("provider-timeout");
  o.test_provider.latency = cfg.GetDuration("provider-latency");
  o.threads = static_cast<int>(cfg.GetInt("payment-threads"));
  o.provider_threads = static_cast<int>(cfg.GetInt("provider-threads"));
  o.max_in_flight = static_cast<int>(cfg.GetInt("max-charges-in-flight"));
  return o;
}

}  // namespace livedrop::payment
