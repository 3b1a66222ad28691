#pragma once

#include <string>

#include "livedrop/http/message.h"

// GraphiQL for browsers at GET /graphql: the page and its assets (GraphiQL, React, from npm,
// built into the gateway binary at build time: nothing is fetched from a CDN at run time).
namespace livedrop::gateway {

http::Response GraphiQLPage();
// /graphql/assets/<name>: graphiql.min.js, graphiql.min.css, react.production.min.js,
// react-dom.production.min.js; 404 for anything else.
http::Response GraphiQLAsset(const std::string& name);

}  // namespace livedrop::gateway
