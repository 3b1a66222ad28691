// libFuzzer harness: the JSON body of every REST write, read the way its route reads it. The
// first byte picks the route, the rest is the body. Each must end in what it sends the service
// or in a client error (livedrop::Error, a 4xx kind); what it sends must parse on the other side
// (proto3 strings are UTF-8, or the service would fail the call: a 500 to the client).
#include <cstddef>
#include <cstdint>
#include <string>

#include "livedrop/core/error.h"
#include "livedrop/http/message.h"
#include "routes/requests.h"
#include "server/json_body.h"

namespace {

using namespace livedrop;
using namespace livedrop::gateway;

template <typename Message>
void MustRoundTrip(const Message& sent) {
  Message received;
  if (!received.ParseFromString(sent.SerializeAsString())) __builtin_trap();
}

// What POST /v1/me/notifications/read reads.
void MarkRead(const JsonBody& body) {
  (void)body.OptionalString("up_to_id", 64);
  (void)body.OptionalBool("all");
}

void Read(std::uint8_t route, const JsonBody& body) {
  switch (route % 7) {
    case 0: return MustRoundTrip(requests::Register(body));
    case 1: return MustRoundTrip(requests::Login(body));
    case 2: {
      drops::v1::CreateProductRequest check;  // the refresh token travels as a proto string
      check.set_title(requests::RefreshToken(body));
      return MustRoundTrip(check);
    }
    case 3: return MustRoundTrip(requests::NewProduct(body, "creator-1"));
    case 4: return MustRoundTrip(requests::NewDrop(body, "creator-1"));
    case 5: return MustRoundTrip(requests::NewOrder(body, "buyer-1", "key-1"));
    default: return MarkRead(body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  http::Request request;
  request.method = "POST";
  request.headers.Add("Content-Type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    Read(data[0], JsonBody::Parse(request));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInternal) __builtin_trap();  // a 500 for bad input
  }
  return 0;  // anything else thrown escapes: libFuzzer reports it
}
