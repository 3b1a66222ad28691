#include "livedrop/kafka/envelope.h"

#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop::kafka {
namespace {

google::protobuf::StringValue Text(const std::string& s) {
  google::protobuf::StringValue v;
  v.set_value(s);
  return v;
}

TEST(Envelope, MakeEnvelope_FillsIdTimeAndPayloadType) {
  auto e = MakeEnvelope("drop_started", "livedrop-drops", "drop-1", Text("hello"), "00-tp-01");
  EXPECT_TRUE(IsUuid(e.id()));
  EXPECT_EQ(e.type(), "drop_started");
  EXPECT_EQ(e.source(), "livedrop-drops");
  EXPECT_EQ(e.subject(), "drop-1");
  EXPECT_EQ(e.payload_type(), "google.protobuf.StringValue");
  EXPECT_EQ(e.trace_parent(), "00-tp-01");
  EXPECT_GT(e.time().seconds(), 1'700'000'000);
  EXPECT_NE(MakeEnvelope("t", "s", "x", Text("")).id(), e.id());
}

TEST(Envelope, EventTime_IsTheEnvelopesTime_OrNowWithoutOne) {
  const auto before = Now();
  auto e = MakeEnvelope("drop_started", "livedrop-drops", "drop-1", Text("hello"));
  const auto made = EventTime(e);
  EXPECT_GE(made, before);
  EXPECT_LE(made, Now());
  e.mutable_time()->set_seconds(1'700'000'000);
  e.mutable_time()->set_nanos(123'456'789);
  EXPECT_EQ(EventTime(e).time_since_epoch().count(), 1'700'000'000'123'456LL);
  e.clear_time();
  const auto at = Now();
  EXPECT_GE(EventTime(e), at);
}

TEST(Envelope, SerializeParseUnpack_RoundTrip) {
  auto e = ParseEnvelope(SerializeEnvelope(MakeEnvelope("t", "s", "x", Text("hello"))));
  EXPECT_EQ(UnpackPayload<google::protobuf::StringValue>(e).value(), "hello");
  google::protobuf::StringValue out;
  EXPECT_TRUE(UnpackPayload(e, out));
  EXPECT_EQ(out.value(), "hello");
}

TEST(Envelope, UnpackPayload_WrongType_Rejected) {
  auto e = MakeEnvelope("t", "s", "x", Text("hello"));
  google::protobuf::Int64Value wrong;
  EXPECT_FALSE(UnpackPayload(e, wrong));
  try {
    UnpackPayload<google::protobuf::Int64Value>(e);
    FAIL() << "wrong payload type accepted";
  } catch (const Error& err) {
    EXPECT_EQ(err.kind(), ErrorKind::kInvalidArgument);
    EXPECT_EQ(err.code(), "payload_type_mismatch");
  }
}

TEST(Envelope, ParseEnvelope_Garbage_ThrowsMalformed) {
  try {
    ParseEnvelope("\xff\xff\xff");
    FAIL() << "garbage parsed";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), "malformed_envelope");
  }
}

}  // namespace
}  // namespace livedrop::kafka
