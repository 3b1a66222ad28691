#pragma once

#include <string>

#include "livedrop/core/coalescer.h"
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
  // for the processor, so charges in flight are not bounded by threads; but a step's thread
  // waits in the write batch it joined, so threads bound how many steps can share a commit
  // (16).
  int threads = 16;
  // --write-batch-max: the writes of concurrent charges (pending rows, transitions) share a
  // commit: at most this many in one, at most this many waiting (beyond: overloaded).
  CoalescerOptions write_batching{256, 4096};
  // --write-lanes: write batches that may commit at once (a payment's writes keep to one lane,
  // by its order id). One, as orders' (OrdersOptions::write_lanes says why).
  int write_lanes = 1;
  // --provider-threads: threads of the test processor (its ledger's statements; as above, a
  // thread waits in the ledger batch it joined). --provider-write-lanes: ledger batches that
  // may commit at once (test_provider.ledger_lanes).
  int provider_threads = 8;
  // --max-charges-in-flight: charges and refunds being answered at once; beyond: overloaded.
  int max_in_flight = 1024;

  static void Declare(config::Spec& spec);
  static PaymentOptions From(const config::Config& cfg);
};

}  // namespace livedrop::payment
