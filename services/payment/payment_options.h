#pragma once

#include <string>

#include "test_provider.h"

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::payment {

// Every setting of livedrop-payment. The member initializers are the flags' defaults (Declare
// reads them from a default-constructed PaymentOptions), so a struct built in a test and the
// binary run without flags behave alike.
struct PaymentOptions {
  // The card processor; only the built-in test-mode one exists so far (a real one is another
  // PaymentProvider).
  std::string provider = "test";
  // --provider-timeout, --provider-latency
  TestProviderOptions test_provider;
  // --payment-threads: threads for the database steps of charges and refunds. No thread waits
  // for the processor, so charges in flight are not bounded by threads.
  int threads = 8;
  // --provider-threads: threads of the test processor (its ledger's statements).
  int provider_threads = 4;
  // --max-charges-in-flight: charges and refunds being answered at once; beyond: overloaded.
  int max_in_flight = 1024;

  static void Declare(config::Spec& spec);
  static PaymentOptions From(const config::Config& cfg);
};

}  // namespace livedrop::payment
