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
      .Int("write-batch-max",
           "Payment writes (pending rows, transitions) sharing one commit at most",
           static_cast<long long>(d.write_batching.max_batch), 1, 10000)
      .Int("write-lanes",
           "Payment write batches that may commit at once (payments spread over them by order)",
           d.write_lanes, 1, 64)
      .Int("provider-threads", "Threads of the test processor (its ledger's statements)",
           d.provider_threads, 1, 256)
      .Int("provider-write-lanes",
           "Test processor ledger batches that may commit at once (charges spread by key)",
           d.test_provider.ledger_lanes, 1, 64)
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
  o.write_batching.max_batch = static_cast<std::size_t>(cfg.GetInt("write-batch-max"));
  o.write_lanes = static_cast<int>(cfg.GetInt("write-lanes"));
  o.test_provider.ledger_lanes = static_cast<int>(cfg.GetInt("provider-write-lanes"));
  o.provider_threads = static_cast<int>(cfg.GetInt("provider-threads"));
  o.max_in_flight = static_cast<int>(cfg.GetInt("max-charges-in-flight"));
  return o;
}

}  // namespace livedrop::payment
