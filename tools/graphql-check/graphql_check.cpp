// livedrop-graphql-check: what the gateway's GraphQL engine makes of a schema and of documents,
// printed as JSON for conformance.mjs to compare with graphql-js. Thin on purpose: the engine
// does the work.
//
//   livedrop-graphql-check print-schema SCHEMA        PrintSchema of the SDL
//   livedrop-graphql-check introspect SCHEMA QUERY    the response to QUERY (a file, - for stdin)
//                                                     with only the introspection resolvers
//   livedrop-graphql-check corpus SCHEMA CORPUS       per document of CORPUS (a JSON array of
//                                                     {name, query, variables?,
//                                                     operationName?}): accepted or not, its
//                                                     errors, and for an accepted one the errors
//                                                     of its variables and the limits
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "graphql/engine.h"
#include "graphql/error_codes.h"
#include "graphql/schema_printer.h"
#include "graphql/validator.h"

namespace {
namespace json = boost::json;
namespace gql = livedrop::graphql;

constexpr char kUsage[] =
    "usage: livedrop-graphql-check print-schema SCHEMA\n"
    "       livedrop-graphql-check introspect SCHEMA QUERY_FILE|-\n"
    "       livedrop-graphql-check corpus SCHEMA CORPUS_JSON\n";

std::string ReadFile(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Errors without extensions, the way graphql-js's GraphQLError.toJSON() shows a parse or
// validation error, so the two sides compare field by field.
json::array ErrorsJson(const gql::GraphQLErrors& errors) {
  json::array out;
  for (const gql::GraphQLError& e : errors) {
    json::array locations;
    for (const gql::Location& l : e.locations) {
      locations.push_back(json::object{{"line", l.line}, {"column", l.column}});
    }
    out.push_back(json::object{{"message", e.message}, {"locations", std::move(locations)}});
  }
  return out;
}

json::object Introspect(const std::shared_ptr<const gql::Schema>& schema, std::string query) {
  gql::Engine engine(schema, gql::Resolvers{});
  std::optional<json::object> response;
  gql::Request request;
  request.query = std::move(query);
  // Only the introspection resolvers run, and they answer at once: `done` is called before
  // Execute returns.
  engine.Execute(std::move(request), [&](json::object r) { response = std::move(r); });
  if (!response) throw std::runtime_error("the engine did not answer synchronously");
  return std::move(*response);
}

// The errors with which the engine refuses to run one operation of a valid document (variables
// that do not coerce, limits exceeded), as a client would get them, by their code.
std::map<std::string, json::array> RequestErrors(const gql::Engine& engine, std::string query,
                                                 std::string operation_name,
                                                 json::object variables) {
  gql::Request request;
  request.query = std::move(query);
  request.operation_name = std::move(operation_name);
  request.variables = std::move(variables);
  std::optional<json::object> response;
  engine.Execute(std::move(request), [&](json::object r) { response = std::move(r); });
  if (!response) throw std::runtime_error("the engine did not answer synchronously");
  std::map<std::string, json::array> out;
  if (response->contains("data")) return out;
  for (const json::value& e : response->at("errors").as_array()) {
    json::object error = e.as_object();
    std::string code(error.at("extensions").at("code").as_string());
    error.erase("extensions");
    if (!error.contains("locations")) error["locations"] = json::array{};
    error["code"] = code;
    out[code].push_back(std::move(error));
  }
  return out;
}

json::object CheckDocument(const gql::Engine& engine, const gql::EngineOptions& options,
                           const json::object& entry) {
  json::object out;
  out["name"] = entry.contains("name") ? entry.at("name") : json::value(nullptr);
  const std::string query(entry.at("query").as_string());
  gql::ParseResult parsed = gql::Parse(query, options.parse);
  gql::GraphQLErrors errors;
  if (!parsed.document) {
    errors.push_back(*parsed.error);
  } else {
    errors = gql::Validate(engine.schema(), *parsed.document);
  }
  out["accepted"] = errors.empty();
  out["errors"] = ErrorsJson(errors);
  if (!errors.empty()) return out;

  // Every operation through the whole pipeline, with the document's variables (if any) for the
  // one the document names (or its only one): what the limits and the variables' coercion say.
  std::string chosen;
  if (const json::value* name = entry.if_contains("operationName"); name && name->is_string()) {
    chosen = std::string(name->as_string());
  }
  json::array limit_errors;
  json::array variable_errors;
  for (const gql::ast::OperationDefinition& op : parsed.document->operations) {
    bool is_chosen = op.name == chosen || parsed.document->operations.size() == 1;
    json::object variables;
    if (const json::value* v = entry.if_contains("variables"); is_chosen && v && v->is_object()) {
      variables = v->as_object();
    }
    for (auto& [code, list] : RequestErrors(engine, query, op.name, std::move(variables))) {
      json::array& to = code == gql::codes::kBadUserInput ? variable_errors : limit_errors;
      if (code == gql::codes::kBadUserInput && !is_chosen) continue;
      for (json::value& e : list) to.push_back(std::move(e));
    }
  }
  out["limitErrors"] = std::move(limit_errors);
  if (entry.contains("variables")) out["variableErrors"] = std::move(variable_errors);
  return out;
}

int Run(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  std::shared_ptr<const gql::Schema> schema = gql::Schema::FromSdl(ReadFile(argv[2]));
  if (command == "print-schema" && argc == 3) {
    std::cout << gql::PrintSchema(*schema) << "\n";
    return 0;
  }
  if (command == "introspect" && argc == 4) {
    std::cout << json::serialize(Introspect(schema, ReadFile(argv[3]))) << "\n";
    return 0;
  }
  if (command == "corpus" && argc == 4) {
    json::value corpus = json::parse(ReadFile(argv[3]));
    gql::EngineOptions options;
    gql::Engine engine(schema, gql::Resolvers{}, options);
    json::array results;
    for (const json::value& entry : corpus.as_array()) {
      results.push_back(CheckDocument(engine, options, entry.as_object()));
    }
    std::cout << json::serialize(results) << "\n";
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "livedrop-graphql-check: " << e.what() << "\n";
    return 1;
  }
}
