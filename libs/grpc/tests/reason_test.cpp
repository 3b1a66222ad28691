#include "livedrop/grpc/reason.h"

#include <gtest/gtest.h>

#include "livedrop/grpc/status.h"
#include "livedrop/payment/v1/payment.pb.h"

namespace livedrop::rpc {
namespace {

using common::v1::Reason;
using payment::v1::PaymentFailure;

TEST(Reason, CodeIsTheNameWithoutThePrefixLowerCased) {
  EXPECT_EQ(EnumCode(common::v1::REASON_SOLD_OUT), "sold_out");
  EXPECT_EQ(EnumCode(common::v1::REASON_IDEMPOTENCY_KEY_REUSED), "idempotency_key_reused");
  EXPECT_EQ(EnumCode(payment::v1::PAYMENT_FAILURE_CARD_DECLINED), "card_declined");
}

TEST(Reason, ParseIsTheInverseForEveryListedValue) {
  const auto* reasons = google::protobuf::GetEnumDescriptor<Reason>();
  for (int i = 0; i < reasons->value_count(); ++i) {
    const auto value = static_cast<Reason>(reasons->value(i)->number());
    if (value == common::v1::REASON_UNSPECIFIED) continue;
    EXPECT_EQ(ParseEnumCode<Reason>(EnumCode(value)), value) << reasons->value(i)->name();
  }
  EXPECT_EQ(ParseEnumCode<PaymentFailure>("insufficient_funds"),
            payment::v1::PAYMENT_FAILURE_INSUFFICIENT_FUNDS);
}

TEST(Reason, UnlistedOrDifferentlySpelledCodesReadAsUnspecified) {
  EXPECT_EQ(ParseEnumCode<Reason>("config_invalid"), common::v1::REASON_UNSPECIFIED);
  EXPECT_EQ(ParseEnumCode<Reason>("SOLD_OUT"), common::v1::REASON_UNSPECIFIED);
  EXPECT_EQ(ParseEnumCode<Reason>("reason_sold_out"), common::v1::REASON_UNSPECIFIED);
  EXPECT_EQ(ParseEnumCode<Reason>(""), common::v1::REASON_UNSPECIFIED);
  EXPECT_EQ(ParseEnumCode<PaymentFailure>("sold_out"), payment::v1::PAYMENT_FAILURE_UNSPECIFIED);
}

// libs/core cannot see the protos; its shorthands must still speak the listed reasons.
TEST(Reason, CoreShorthandsAndDefaultReasonsAreListed) {
  EXPECT_EQ(ReasonOf(ValidationError("email", "bad")), common::v1::REASON_VALIDATION_FAILED);
  EXPECT_EQ(ReasonOf(NotFoundError("drop")), common::v1::REASON_NOT_FOUND);
  EXPECT_EQ(ReasonOf(UnauthenticatedError("no")), common::v1::REASON_UNAUTHENTICATED);
  EXPECT_EQ(ReasonOf(PermissionDeniedError("no")), common::v1::REASON_PERMISSION_DENIED);
  // A status without ErrorInfo gets its reason from the code table.
  EXPECT_EQ(ReasonOf(FromStatus(::grpc::Status(::grpc::StatusCode::NOT_FOUND, "gone"))),
            common::v1::REASON_NOT_FOUND);
}

TEST(Reason, TravelsThroughAStatus) {
  const Error sent = ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_SOLD_OUT,
                                 "the drop is sold out", {{"drop_id", "d1"}});
  const Error got = FromStatus(ToStatus(sent, "livedrop-inventory"));
  EXPECT_EQ(ReasonOf(got), common::v1::REASON_SOLD_OUT);
  EXPECT_EQ(got.kind(), ErrorKind::kFailedPrecondition);
  EXPECT_EQ(got.metadata().at("drop_id"), "d1");
}

}  // namespace
}  // namespace livedrop::rpc
