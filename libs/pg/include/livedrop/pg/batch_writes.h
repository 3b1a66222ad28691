#pragma once

// Writes of many callers coalesced into one transaction (livedrop/core/coalescer.h gathers
// them) should not fail together because the database refuses one of them: these two helpers
// are the one way the services (orders' OrderWriter, payment's PaymentWriter and its test
// processor's ledger) tell a batch that cannot run at all from a batch with one bad write, and
// isolate that write.

#include <cstddef>
#include <exception>
#include <pqxx/except>
#include <type_traits>
#include <utility>
#include <vector>

#include "livedrop/core/error.h"

namespace livedrop::pg {

// Whether `failure` is the database's as a whole — unreachable, overloaded, a statement
// cancelled by its timeout, a connection lost — rather than one write's (a constraint, a value
// it cannot take): running the writes one by one would only fail each of them again.
inline bool Transient(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    return e.kind() == ErrorKind::kUnavailable || e.kind() == ErrorKind::kDeadlineExceeded ||
           e.kind() == ErrorKind::kResourceExhausted;
  } catch (const pqxx::broken_connection&) {
    return true;
  } catch (...) {
    return false;
  }
}

// Runs the whole `batch` with `run_together` (one transaction, one outcome per write, in the
// batch's order) and returns its outcomes. When that fails for a reason that is not
// Transient, some write of the batch is refused by the database: the transaction was rolled
// back, and every write is run again alone (run_together on a batch of one, its own
// transaction), so only the write at fault fails — its outcome's `failure` (a
// std::exception_ptr member of the outcome) holds why, and the others are written. A transient
// failure, or any failure of a batch of one, is thrown: it is every write's (the Coalescer
// hands it to each caller).
template <class Write, class RunTogether>
auto RunTogetherOrEachAlone(std::vector<Write>& batch, RunTogether&& run_together)
    -> std::invoke_result_t<RunTogether&, std::vector<Write>&> {
  using Outcomes = std::invoke_result_t<RunTogether&, std::vector<Write>&>;
  try {
    return run_together(batch);
  } catch (...) {
    if (batch.size() == 1 || Transient(std::current_exception())) throw;
  }
  Outcomes out(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::vector<Write> one{batch[i]};
    try {
      out[i] = std::move(run_together(one).front());
    } catch (...) {
      out[i].failure = std::current_exception();
    }
  }
  return out;
}

}  // namespace livedrop::pg
