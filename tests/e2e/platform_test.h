#pragma once

#include <gtest/gtest.h>

#include "platform.h"

namespace livedrop::e2e {

// A test suite sharing one running platform (started once per test binary run).
class PlatformTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { platform_ = new Platform(); }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  HttpClient http() const { return platform_->Http(); }

  static inline Platform* platform_ = nullptr;
};

}  // namespace livedrop::e2e
