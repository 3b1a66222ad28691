#include "graphql_api/resolver_support.h"

#include <boost/json/parse.hpp>
#include <cctype>
#include <map>

#include "livedrop/core/error.h"
#include "livedrop/core/paging.h"

namespace livedrop::gateway::api {
namespace json = boost::json;

void Limited(RateLimits* limits, const graphql::FieldCall& call, std::vector<LimitCheck> checks,
             std::function<void(std::function<void()> release)> then, const std::string& name,
             const std::string& key, int cap) {
  if (limits == nullptr) return then([] {});
  limits->Check(
      std::move(checks), name, key, cap, limits->in_flight_ttl(), ContextOf(call).origin.request_id,
      [call, then = std::move(then)](std::optional<http::Response> refusal,
                                     std::function<void()> release) {
        if (!refusal) {
          try {
            return then(std::move(release));
          } catch (const Error& e) {
            release();
            return call.Fail(e);
          }
        }
        std::string code = "rate_limited", detail = "too many requests", policy;
        try {
          const auto problem = json::parse(refusal->body).as_object();
          code = std::string(problem.at("code").as_string());
          detail = std::string(problem.at("detail").as_string());
          if (const auto* p = problem.if_contains("policy"); p && p->is_string()) {
            policy = std::string(p->as_string());
          }
        } catch (const std::exception&) {
        }
        std::map<std::string, std::string> metadata{
            {"retry_after", refusal->headers.Get("Retry-After").value_or("1")}};
        if (!policy.empty()) metadata["policy"] = policy;  // which limit: login-ip, orders-buyer...
        call.Fail(Error(ErrorKind::kResourceExhausted, code, detail, std::move(metadata)));
      });
}

namespace {

std::string CamelCase(std::string_view snake) {
  std::string out;
  bool upper = false;
  for (const char c : snake) {
    if (c == '_') {
      upper = !out.empty();
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string SnakeCase(std::string_view camel) {
  std::string out;
  for (const char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

json::value Renamed(const json::value& value, std::string (*rename)(std::string_view)) {
  if (const auto* object = value.if_object()) {
    json::object out;
    out.reserve(object->size());
    for (const auto& [key, member] : *object) out[rename(key)] = Renamed(member, rename);
    return out;
  }
  if (const auto* array = value.if_array()) {
    json::array out;
    out.reserve(array->size());
    for (const auto& item : *array) out.push_back(Renamed(item, rename));
    return out;
  }
  return value;
}

std::string Cased(std::string s, int (*to)(int)) {
  for (auto& c : s) c = static_cast<char>(to(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const ApiContext& ContextOf(const graphql::FieldCall& call) {
  return std::any_cast<const ApiContext&>(call.context());
}

const auth::Claims& CallerOf(const graphql::FieldCall& call) {
  const auto& context = ContextOf(call);
  if (!context.caller)
    throw UnauthenticatedError("this needs a signed-in user: send a Bearer token");
  return *context.caller;
}

json::value Node(const json::object& view) { return Renamed(view, CamelCase); }

std::string EnumValue(const std::string& rest_name) { return Cased(rest_name, std::toupper); }
std::string RestName(const std::string& enum_value) { return Cased(enum_value, std::tolower); }

std::function<json::value(const graphql::FieldCall&)> EnumMember(std::string member) {
  return [member = std::move(member)](const graphql::FieldCall& call) -> json::value {
    const auto* value = call.parent().as_object().if_contains(member);
    if (value == nullptr || !value->is_string()) return nullptr;
    return json::string(EnumValue(std::string(value->as_string())));
  };
}

json::object Connection(json::array nodes, std::vector<std::string> cursors,
                        const std::string& next_cursor) {
  json::array edges;
  edges.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    edges.push_back(json::object{{"cursor", i < cursors.size() ? cursors[i] : ""},
                                 {"node", std::move(nodes[i])}});
  }
  json::value end = cursors.empty() ? json::value(nullptr) : json::value(cursors.back());
  return {{"edges", std::move(edges)},
          {"pageInfo", json::object{{"hasNextPage", !next_cursor.empty()}, {"endCursor", end}}}};
}

std::vector<std::string> Cursors(const google::protobuf::RepeatedPtrField<std::string>& cursors) {
  return {cursors.begin(), cursors.end()};
}

int FirstOf(const graphql::FieldCall& call) {
  const auto* first = call.args().if_contains("first");
  if (first == nullptr || first->is_null()) return 0;
  const auto n = first->to_number<std::int64_t>();
  if (n < 1 || n > kMaxPageSize) {
    throw ValidationError("first", "first must be between 1 and " + std::to_string(kMaxPageSize));
  }
  return static_cast<int>(n);
}

std::string AfterOf(const graphql::FieldCall& call) {
  const auto* after = call.args().if_contains("after");
  if (after == nullptr || after->is_null()) return "";
  const auto& cursor = after->as_string();
  if (cursor.size() > 256) throw ValidationError("after", "after must be at most 256 bytes");
  return std::string(cursor);
}

JsonBody InputOf(const graphql::FieldCall& call, const char* name) {
  const auto* input = call.args().if_contains(name);
  if (input == nullptr || !input->is_object()) {
    throw ValidationError(name, std::string(name) + " is required");
  }
  return JsonBody::Of(Renamed(*input, SnakeCase).as_object());
}

std::string StringArg(const graphql::FieldCall& call, const char* name) {
  const auto* value = call.args().if_contains(name);
  if (value == nullptr || !value->is_string()) {
    throw ValidationError(name, std::string(name) + " is required");
  }
  return std::string(value->as_string());
}

}  // namespace livedrop::gateway::api
