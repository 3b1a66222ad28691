// libFuzzer harness: a document through the whole engine against the platform's schema, as a
// client's request goes: parse, validate, limits, variables and execution (with no resolvers
// but introspection's). Every answer must be a response with data or errors, never a crash.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "graphql/engine.h"

namespace {
namespace gql = livedrop::graphql;

const gql::Engine* engine = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::ifstream in(LIVEDROP_FUZZ_SCHEMA);
  std::ostringstream sdl;
  sdl << in.rdbuf();
  engine = new gql::Engine(gql::Schema::FromSdl(sdl.str()), gql::Resolvers{});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string query(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<const gql::PreparedDocument> prepared = engine->Prepare(query);
  if (!prepared->ok()) {
    if (prepared->document) __builtin_trap();
    return 0;
  }
  // Each operation (a few at most) once, by name, with no variables.
  int runs = 0;
  for (const gql::ast::OperationDefinition& op : prepared->document->operations) {
    if (++runs > 3) break;
    gql::Request request;
    request.operation_name = op.name;
    std::optional<boost::json::object> response;
    engine->Execute(prepared, std::move(request),
                    [&](boost::json::object r) { response = std::move(r); });
    if (!response || (!response->contains("data") && !response->contains("errors"))) {
      __builtin_trap();
    }
  }
  return 0;
}
