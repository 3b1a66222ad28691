#pragma once

#include <deque>
#include <map>
#include <string>

#include "clients/auth_port.h"
#include "livedrop/core/error.h"

namespace livedrop::followers {

// livedrop-auth for tests: the users it was given (any other id is unknown), errors scripted
// to come before the next answers, and how often it was asked. Not thread-safe.
class FakeAuth final : public AuthPort {
 public:
  void Put(const std::string& user_id, Role role) { users_[user_id] = role; }
  // The next call throws `error` (several queue up, one per call).
  void FailNext(Error error) { errors_.push_back(std::move(error)); }

  std::optional<Role> RoleOf(const std::string& user_id) override;

  int calls() const { return calls_; }

 private:
  std::map<std::string, Role> users_;
  std::deque<Error> errors_;
  int calls_ = 0;
};

}  // namespace livedrop::followers
