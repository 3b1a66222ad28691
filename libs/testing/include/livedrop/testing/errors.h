#pragma once

#include <functional>
#include <string>

#include "livedrop/core/error.h"

namespace livedrop::testing {

// The stable code of the livedrop::Error that fn throws, or "none" if it returns.
inline std::string ErrorCodeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}

}  // namespace livedrop::testing
