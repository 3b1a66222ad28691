#pragma once

#include <string>

#include "livedrop/http/address_list.h"
#include "livedrop/http/message.h"

namespace livedrop::gateway {

// The address a request comes from, for per-client limits: the socket's peer, unless the peer
// is one of `trusted_proxies` (the load balancer); then the right-most X-Forwarded-For entry
// that is not itself a trusted proxy. Entries left of it are what the client claimed and are
// never believed. No X-Forwarded-For from a trusted proxy: the proxy's own address.
std::string ClientAddress(const http::Request& request, const http::AddressList& trusted_proxies);

}  // namespace livedrop::gateway
