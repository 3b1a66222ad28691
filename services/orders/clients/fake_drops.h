#pragma once

#include <map>
#include <optional>
#include <string>

#include "clients/drops_port.h"
#include "clients/fake_script.h"

namespace livedrop::orders {

// livedrop-drops for tests: the drops it was given, an optional scripted error before them,
// and how often it was asked. Not thread-safe.
class FakeDrops final : public DropsPort {
 public:
  void Put(DropTerms terms) { drops_[terms.id] = std::move(terms); }
  void FailNext(Error error) { errors_.Fail(std::move(error)); }

  DropTerms GetDrop(const std::string& drop_id) override;

  int calls() const { return calls_; }

 private:
  std::map<std::string, DropTerms> drops_;
  FakeScript<bool> errors_{true};
  int calls_ = 0;
};

}  // namespace livedrop::orders
