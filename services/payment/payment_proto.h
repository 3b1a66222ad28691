#pragma once

#include "livedrop/payment/v1/payment.pb.h"
#include "payment_logic.h"

// Payment rows → v1 messages (the gRPC answers and the events' payloads).
namespace livedrop::payment {

void ToProto(const PaymentRow& row, v1::Payment& out);

}  // namespace livedrop::payment
