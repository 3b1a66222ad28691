// --fault-crash-after exists only where LIVEDROP_FAULT_INJECTION is defined. Compiled twice:
// into orders_unit_test as this build compiles livedrop-orders (dev and test builds: defined),
// and into orders_release_options_test with the options compiled as a release build does (not
// defined), so both sides of the switch are checked in every test run.
#include <gtest/gtest.h>

#include "livedrop/config/config.h"
#include "orders_options.h"

namespace livedrop::orders {
namespace {

bool Declared(const config::Spec& spec) {
  return spec.Usage().find("fault-crash-after") != std::string::npos;
}

#ifdef LIVEDROP_FAULT_INJECTION

TEST(OrdersOptions, FaultInjectionBuild_DeclaresFaultCrashAfter) {
  config::Spec spec("livedrop-orders", "fault injection on");
  OrdersOptions::Declare(spec);
  EXPECT_TRUE(Declared(spec));
  const auto cfg = spec.Parse({"--fault-crash-after=reserved"}, {});
  EXPECT_EQ(OrdersOptions::From(cfg).crash_after, Stage::kReserved);
}

#else

TEST(OrdersOptions, ReleaseBuild_HasNoFaultCrashAfter) {
  config::Spec spec("livedrop-orders", "fault injection off");
  OrdersOptions::Declare(spec);
  EXPECT_FALSE(Declared(spec));
  EXPECT_THROW(spec.Parse({"--fault-crash-after=reserved"}, {}), std::exception);
  // The environment variable the crash tests set does nothing either.
  const auto cfg = spec.Parse({}, {{"LIVEDROP_FAULT_CRASH_AFTER", "reserved"}});
  EXPECT_EQ(OrdersOptions::From(cfg).crash_after, std::nullopt);
}

#endif

}  // namespace
}  // namespace livedrop::orders
