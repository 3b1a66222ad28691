#include "livedrop/grpc/proto_values.h"

#include <google/protobuf/timestamp.pb.h>
#include <gtest/gtest.h>

#include "livedrop/orders/v1/orders.pb.h"

namespace livedrop::rpc {
namespace {

TEST(ProtoValues, Timestamp_RoundTripsMicroseconds) {
  const auto t = *ParseRfc3339("2026-11-25T10:20:30.123456Z");
  google::protobuf::Timestamp ts;
  SetTimestamp(t, &ts);
  EXPECT_EQ(ts.nanos(), 123456000);
  EXPECT_EQ(FromTimestamp(ts), t);
  EXPECT_EQ(Rfc3339(ts), "2026-11-25T10:20:30.123Z");
}

TEST(ProtoValues, Timestamp_BeforeTheEpochKeepsNanosNonNegative) {
  google::protobuf::Timestamp ts;
  SetTimestamp(TimePoint(std::chrono::microseconds(-1)), &ts);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 999'999'000);
  EXPECT_EQ(FromTimestamp(ts), TimePoint(std::chrono::microseconds(-1)));
}

TEST(ProtoValues, EnumCode_StripsThePrefixAndLowercases) {
  EXPECT_EQ(EnumCode(orders::v1::ORDER_STATUS_CONFIRMED), "confirmed");
  EXPECT_EQ(EnumCode(orders::v1::ORDER_STATUS_UNSPECIFIED), "unspecified");
  EXPECT_EQ(EnumCode(static_cast<orders::v1::OrderStatus>(99)), "unknown");
}

TEST(ProtoValues, ParseEnumCode_ReadsTheCodeBackAndUnlistedCodesAsZero) {
  EXPECT_EQ(ParseEnumCode<orders::v1::OrderStatus>("confirmed"),
            orders::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(ParseEnumCode<orders::v1::OrderStatus>("CONFIRMED"),
            orders::v1::ORDER_STATUS_UNSPECIFIED);
  EXPECT_EQ(ParseEnumCode<orders::v1::OrderStatus>("unknown"),
            orders::v1::ORDER_STATUS_UNSPECIFIED);
}

}  // namespace
}  // namespace livedrop::rpc
