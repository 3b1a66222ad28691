#pragma once

#include <array>
#include <string>
#include <string_view>

namespace livedrop::loadgen {

// What one POST /v1/orders answer means to the storm.
enum class Outcome { kConfirmed, kSoldOut, kLimitExceeded, kPaymentDeclined, kOther };
inline constexpr std::array<Outcome, 5> kAllOutcomes = {Outcome::kConfirmed, Outcome::kSoldOut,
                                                        Outcome::kLimitExceeded,
                                                        Outcome::kPaymentDeclined, Outcome::kOther};
std::string_view OutcomeName(Outcome outcome);

// The stable "code" of an application/problem+json body; empty when the body is not JSON or
// has no string "code".
std::string ProblemCode(std::string_view body);

// The top-level "id" (and "status") of an order body; empty when absent.
struct OrderView {
  std::string id;
  std::string status;
};
OrderView ParseOrder(std::string_view body);

struct Classified {
  Outcome outcome = Outcome::kOther;
  std::string code;      // problem code, or "" (201, or a body without one)
  std::string order_id;  // for a 201 or a 202
};
// The JSON body of one POST /v1/orders: `quantity` of the drop paid with tok_visa or, when
// `declined`, with tok_chargeDeclined (the test processor declines it).
std::string OrderRequestBody(const std::string& drop_id, long long quantity, bool declined);

// 201 with status "confirmed" → confirmed; 409 sold_out, 409 limit_exceeded, 402
// payment_declined → those; anything else (other codes, 429/503, a 201 that is not
// confirmed, a transport failure as status 0) → other; 202 (the order written and still
// pending) → other with code "pending" and the order id.
Classified ClassifyOrderAnswer(int status, std::string_view body);

// How an `other` answer is counted in a report: "<status> <code>" ("503 -" without a code), or
// "no answer (<transport error>)" for status 0.
std::string OtherAnswerKey(int status, const std::string& code, const std::string& error);

}  // namespace livedrop::loadgen
