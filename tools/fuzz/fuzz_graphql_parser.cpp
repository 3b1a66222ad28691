// libFuzzer harness: the GraphQL parser on any bytes. It must answer with a document or one
// syntax error at a real location, never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "graphql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  livedrop::graphql::ParseResult result = livedrop::graphql::Parse(source);
  if (!result.document == !result.error) __builtin_trap();  // exactly one of them
  if (result.error) {
    const auto& locations = result.error->locations;
    if (locations.size() != 1 || locations[0].line < 1 || locations[0].column < 1) {
      __builtin_trap();
    }
  }
  return 0;
}
