#pragma once

#include <string>

#include "livedrop/core/error.h"
#include "livedrop/http/message.h"

namespace livedrop::gateway {

// The one table from outcomes to HTTP: by kind (INVALID_ARGUMENT 400, UNAUTHENTICATED 401,
// PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS/ABORTED/FAILED_PRECONDITION 409,
// RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, INTERNAL 500), with a few
// codes that HTTP has a better word for (payment_declined 402, idempotency_key_reused 422).
int HttpStatusFor(const Error& error);

// An RFC 9457 problem response for the error; INTERNAL errors never show their detail.
http::Response ProblemFor(const Error& error, const std::string& request_id);

}  // namespace livedrop::gateway
