#include "order_outcome.h"

#include <boost/json.hpp>

#include "livedrop/grpc/reason.h"

namespace livedrop::loadgen {

namespace json = boost::json;

namespace {

const json::object* ParseObject(std::string_view body, json::value& storage) {
  boost::system::error_code ec;
  storage = json::parse(body, ec);
  if (ec || !storage.is_object()) return nullptr;
  return &storage.as_object();
}

std::string StringField(const json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string OrderRequestBody(const std::string& drop_id, long long quantity, bool declined) {
  return json::serialize(
      json::object{{"drop_id", drop_id},
                   {"quantity", quantity},
                   {"payment_token", declined ? "tok_chargeDeclined" : "tok_visa"}});
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kConfirmed:
      return "confirmed";
    case Outcome::kSoldOut:
      return "sold_out";
    case Outcome::kLimitExceeded:
      return "limit_exceeded";
    case Outcome::kPaymentDeclined:
      return "payment_declined";
    case Outcome::kOther:
      return "other";
  }
  return "other";
}

std::string ProblemCode(std::string_view body) {
  json::value v;
  const auto* object = ParseObject(body, v);
  return object ? StringField(*object, "code") : std::string();
}

OrderView ParseOrder(std::string_view body) {
  json::value v;
  const auto* object = ParseObject(body, v);
  if (!object) return {};
  return {StringField(*object, "id"), StringField(*object, "status")};
}

Classified ClassifyOrderAnswer(int status, std::string_view body) {
  Classified c;
  if (status == 201) {
    const auto order = ParseOrder(body);
    c.order_id = order.id;
    c.outcome =
        order.status == "confirmed" && !order.id.empty() ? Outcome::kConfirmed : Outcome::kOther;
    if (c.outcome == Outcome::kOther) c.code = "unconfirmed_201:" + order.status;
    return c;
  }
  if (status == 202) {  // written and pending: may still be confirmed (or fail)
    const auto order = ParseOrder(body);
    c.order_id = order.id;
    c.code = "pending";
    return c;
  }
  c.code = ProblemCode(body);
  switch (rpc::ParseEnumCode<common::v1::Reason>(c.code)) {
    case common::v1::REASON_SOLD_OUT:
      if (status == 409) c.outcome = Outcome::kSoldOut;
      break;
    case common::v1::REASON_LIMIT_EXCEEDED:
      if (status == 409) c.outcome = Outcome::kLimitExceeded;
      break;
    case common::v1::REASON_PAYMENT_DECLINED:
      if (status == 402) c.outcome = Outcome::kPaymentDeclined;
      break;
    default:
      break;
  }
  return c;
}

std::string OtherAnswerKey(int status, const std::string& code, const std::string& error) {
  if (status == 0) return "no answer (" + error + ")";
  return std::to_string(status) + " " + (code.empty() ? "-" : code);
}

}  // namespace livedrop::loadgen
