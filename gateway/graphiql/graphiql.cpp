#include "graphiql/graphiql.h"

#include <string_view>

#include "livedrop/http/problem.h"

extern "C" {
extern const char livedrop_graphiql_js_begin[], livedrop_graphiql_js_end[];
extern const char livedrop_graphiql_css_begin[], livedrop_graphiql_css_end[];
extern const char livedrop_react_js_begin[], livedrop_react_js_end[];
extern const char livedrop_react_dom_js_begin[], livedrop_react_dom_js_end[];
}

namespace livedrop::gateway {
namespace {

struct Asset {
  std::string_view name;
  std::string_view content_type;
  const char* begin;
  const char* end;
};

constexpr Asset kAssets[] = {
    {"graphiql.min.js", "text/javascript; charset=utf-8", livedrop_graphiql_js_begin,
     livedrop_graphiql_js_end},
    {"graphiql.min.css", "text/css; charset=utf-8", livedrop_graphiql_css_begin,
     livedrop_graphiql_css_end},
    {"react.production.min.js", "text/javascript; charset=utf-8", livedrop_react_js_begin,
     livedrop_react_js_end},
    {"react-dom.production.min.js", "text/javascript; charset=utf-8", livedrop_react_dom_js_begin,
     livedrop_react_dom_js_end},
};

// The page: GraphiQL on /graphql, subscriptions over graphql-transport-ws on the same path.
// The headers set in GraphiQL's editor (an Authorization: Bearer token) go with every query and,
// as the connection_init payload, with the WebSocket.
constexpr char kPage[] = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Live Drops GraphQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/graphql/assets/graphiql.min.css">
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphql/assets/react.production.min.js"></script>
<script src="/graphql/assets/react-dom.production.min.js"></script>
<script src="/graphql/assets/graphiql.min.js"></script>
<script>
  const base = location.origin + '/graphql';
  const fetcher = GraphiQL.createFetcher({
    url: base,
    subscriptionUrl: base.replace(/^http/, 'ws'),
  });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }));
</script>
</body>
</html>
)html";

}  // namespace

http::Response GraphiQLPage() {
  http::Response response;
  response.status = 200;
  response.body = kPage;
  response.headers.Set("Content-Type", "text/html; charset=utf-8");
  response.headers.Set("Cache-Control", "no-cache");
  return response;
}

http::Response GraphiQLAsset(const std::string& name) {
  for (const auto& asset : kAssets) {
    if (asset.name != name) continue;
    http::Response response;
    response.status = 200;
    response.body.assign(asset.begin, asset.end);
    response.headers.Set("Content-Type", std::string(asset.content_type));
    // The gateway changes them only with a new build: a day in caches is safe.
    response.headers.Set("Cache-Control", "public, max-age=86400");
    return response;
  }
  return http::Problem(404, "not_found", "Not Found", "no GraphiQL asset " + name);
}

}  // namespace livedrop::gateway
