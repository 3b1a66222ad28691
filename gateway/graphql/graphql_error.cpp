#include "graphql/graphql_error.h"

namespace livedrop::graphql {

boost::json::object GraphQLError::ToJson() const {
  boost::json::object out;
  out["message"] = message;
  if (!locations.empty()) {
    boost::json::array locs;
    for (const Location& loc : locations) {
      locs.push_back(boost::json::object{{"line", loc.line}, {"column", loc.column}});
    }
    out["locations"] = std::move(locs);
  }
  if (!path.empty()) out["path"] = path;
  if (!code.empty()) out["extensions"] = boost::json::object{{"code", code}};
  return out;
}

boost::json::array ToJson(const GraphQLErrors& errors) {
  boost::json::array out;
  for (const GraphQLError& error : errors) out.push_back(error.ToJson());
  return out;
}

}  // namespace livedrop::graphql
