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

TEST(ProtoValues, EnumName_StripsThePrefixAndLowercases) {
  const auto& type = *orders::v1::OrderStatus_descriptor();
  EXPECT_EQ(EnumName(type, orders::v1::ORDER_STATUS_CONFIRMED, "ORDER_STATUS_"), "confirmed");
  EXPECT_EQ(EnumName(type, 99, "ORDER_STATUS_"), "unknown");
}

}  // namespace
}  // namespace livedrop::rpc
