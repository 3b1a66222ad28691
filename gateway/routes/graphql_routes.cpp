#include "routes/graphql_routes.h"

#include <boost/json.hpp>

#include "graphiql/graphiql.h"
#include "graphql/engine.h"
#include "graphql_api/api.h"
#include "graphql_api/document_cache.h"
#include "graphql_api/operation_request.h"
#include "server/rate_limits.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;

constexpr char kGraphQLResponse[] = "application/graphql-response+json; charset=utf-8";
constexpr char kJson[] = "application/json; charset=utf-8";

// Which of the two media types the client takes (the specification's negotiation): the
// GraphQL one when listed, JSON when listed or when Accept says nothing; else none (406).
enum class Media { kGraphQLResponse, kJson, kNone };

Media Negotiate(const http::Request& request) {
  const auto accept = request.headers.Get("Accept");
  if (!accept || accept->empty()) return Media::kJson;
  if (accept->find("application/graphql-response+json") != std::string::npos) {
    return Media::kGraphQLResponse;
  }
  if (accept->find("application/json") != std::string::npos ||
      accept->find("*/*") != std::string::npos ||
      accept->find("application/*") != std::string::npos) {
    return Media::kJson;
  }
  return Media::kNone;
}

http::Response Answer(Media media, int status, const json::object& body) {
  http::Response response;
  response.status = status;
  response.body = json::serialize(body);
  response.headers.Set("Content-Type", media == Media::kGraphQLResponse ? kGraphQLResponse : kJson);
  return response;
}

OperationRequest FromPost(const http::Request& request) {
  const auto type = request.headers.Get("Content-Type").value_or("");
  if (type.find("application/json") == std::string::npos) {
    throw BadOperationRequest{415, "POST /graphql takes application/json",
                              "UNSUPPORTED_MEDIA_TYPE"};
  }
  json::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  auto body = json::parse(request.body, ec, {}, options);
  if (ec)
    throw BadOperationRequest{400, "the body is not valid JSON: " + ec.message(), "BAD_REQUEST"};
  if (!body.is_object())
    throw BadOperationRequest{400, "the body must be a JSON object", "BAD_REQUEST"};
  return ReadOperationRequest(body.as_object());
}

OperationRequest FromGet(const http::Request& request) {
  json::object params;
  for (const char* name : {"query", "operationName", "variables", "extensions"}) {
    if (auto value = request.QueryParam(name)) params[name] = *value;
  }
  return ReadOperationRequest(params);
}

class GraphQLCall {
 public:
  GraphQLCall(const graphql::Engine& engine, DocumentCache& documents, RateLimits* limits)
      : engine_(engine), documents_(documents), limits_(limits) {}

  void Run(const CallPtr& call, bool is_get) const {
    const Media media = Negotiate(call->request());
    if (media == Media::kNone) {
      return call->Reply(Answer(Media::kJson, 406,
                                ErrorBody("accept application/graphql-response+json or "
                                          "application/json",
                                          "NOT_ACCEPTABLE")));
    }
    // Request errors: 4xx in the GraphQL media type, 200 in plain JSON (the specification).
    const int request_error = media == Media::kGraphQLResponse ? 400 : 200;
    OperationRequest req;
    try {
      req = is_get ? FromGet(call->request()) : FromPost(call->request());
    } catch (const BadOperationRequest& bad) {
      return call->Reply(Answer(media, bad.status, ErrorBody(bad.message, bad.code)));
    }
    const auto prepared = documents_.ForRequest(req);
    if (!prepared->ok()) {
      return call->Reply(Answer(media, request_error, graphql::ErrorResponse(prepared->errors)));
    }
    const auto* operation = prepared->FindOperation(req.operation_name);
    if (operation != nullptr && operation->operation != graphql::ast::OperationType::kQuery) {
      if (is_get) {
        auto response =
            Answer(media, 405,
                   ErrorBody("only queries can be sent with GET; use POST", "METHOD_NOT_ALLOWED"));
        response.headers.Set("Allow", "POST");
        return call->Reply(std::move(response));
      }
      if (operation->operation == graphql::ast::OperationType::kSubscription) {
        return call->Reply(Answer(
            media, request_error,
            ErrorBody("subscriptions are served over WebSocket (graphql-transport-ws) at /graphql",
                      "SUBSCRIPTION_OVER_HTTP")));
      }
    }
    graphql::Request request;
    request.operation_name = std::move(req.operation_name);
    request.variables = std::move(req.variables);
    request.context = ApiContext{call->origin(), call->caller_if_any(),
                                 limits_ ? limits_->IpKey(call->request()) : ""};
    engine_.Execute(prepared, std::move(request), [call, media, request_error](json::object out) {
      // Without data the request was refused before execution (no such operation, variables).
      const int status = out.contains("data") ? 200 : request_error;
      call->Reply(Answer(media, status, out));
    });
  }

 private:
  const graphql::Engine& engine_;
  DocumentCache& documents_;
  RateLimits* limits_;
};

bool WantsHtml(const http::Request& request) {
  const auto accept = request.headers.Get("Accept").value_or("");
  return accept.find("text/html") != std::string::npos;
}

}  // namespace

void AddGraphQLRoutes(RouteTable& table, const graphql::Engine& engine, DocumentCache& documents,
                      RateLimits* limits) {
  auto graphql = std::make_shared<GraphQLCall>(engine, documents, limits);
  table.Add("POST", "/graphql", Access::kOptional,
            [graphql](const CallPtr& call) { graphql->Run(call, false); });
  table.Add("GET", "/graphql", Access::kOptional, [graphql](const CallPtr& call) {
    if (WantsHtml(call->request()) && !call->request().QueryParam("query")) {
      return call->Reply(GraphiQLPage());
    }
    graphql->Run(call, true);
  });
  table.Add("GET", "/graphql/schema.graphql", Access::kPublic, [](const CallPtr& call) {
    auto response = http::Response::Text(200, std::string(ApiSchemaSdl()));
    response.headers.Set("Content-Type", "text/plain; charset=utf-8");
    call->Reply(std::move(response));
  });
  table.Add("GET", "/graphql/assets/{name}", Access::kPublic,
            [](const CallPtr& call) { call->Reply(GraphiQLAsset(call->PathParam("name"))); });
}

}  // namespace livedrop::gateway
