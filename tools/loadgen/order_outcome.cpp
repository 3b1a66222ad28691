#include "order_outcome.h"

#include <boost/json.hpp>

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
  c.code = ProblemCode(body);
  if (status == 409 && c.code == "sold_out")
    c.outcome = Outcome::kSoldOut;
  else if (status == 409 && c.code == "limit_exceeded")
    c.outcome = Outcome::kLimitExceeded;
  else if (status == 402 && c.code == "payment_declined")
    c.outcome = Outcome::kPaymentDeclined;
  return c;
}

}  // namespace livedrop::loadgen
