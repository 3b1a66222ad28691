#include "routes/ops_routes.h"

#include "livedrop/http/problem.h"
#include "openapi_document.h"

namespace livedrop::gateway {

const std::string& OpenApiDocument() {
  static const std::string document(kOpenApiJson);
  return document;
}

void AddOpsRoutes(RouteTable& table, std::function<bool()> ready) {
  table.Add("GET", "/healthz", Access::kPublic, [](const CallPtr& call) {
    http::Response response;
    response.status = 200;
    response.headers.Set("Content-Type", "text/plain");
    response.body = "ok\n";
    call->Reply(std::move(response));
  });

  table.Add("GET", "/readyz", Access::kPublic, [ready = std::move(ready)](const CallPtr& call) {
    if (!ready()) {
      return call->Reply(http::Problem(503, "not_ready", "Service Unavailable",
                                       "waiting for access-token keys from livedrop-auth",
                                       call->request_id()));
    }
    http::Response response;
    response.status = 200;
    response.headers.Set("Content-Type", "text/plain");
    response.body = "ready\n";
    call->Reply(std::move(response));
  });

  table.Add("GET", "/openapi.json", Access::kPublic, [](const CallPtr& call) {
    call->ReplyJson(200, OpenApiDocument());
  });
}

}  // namespace livedrop::gateway
