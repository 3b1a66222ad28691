#pragma once

// Private to libs/http: the seam where the WebSocket layer (websocket.cpp) takes a
// connection over from the HTTP session after reading an `Upgrade:` request. Kept out of the
// public headers because it speaks Beast.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <functional>

#include "livedrop/http/server.h"

namespace livedrop::http {

namespace detail {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// The Beast-free request a handler sees (the body is moved out of `msg`).
Request ToRequest(BeastRequest& msg, const std::string& remote);
// A handler's response as Beast writes it (Server and Date headers added if missing).
BeastResponse ToBeast(Response&& response, unsigned version, bool keep_alive,
                      const std::string& server_name);

// Each hook receives the connection (TLS already negotiated, stream on the connection's
// strand), the upgrade request and any bytes read past it. From then on the connection is
// the hook's: the HTTP session ends, and Server::Stop no longer tracks it. An unset hook
// leaves upgrade requests to the ordinary Handler.
struct UpgradeHooks {
  std::function<void(PlainStream, BeastRequest, boost::beast::flat_buffer)> plain;
  std::function<void(TlsStream, BeastRequest, boost::beast::flat_buffer)> tls;
};

}  // namespace detail

// Call before Start().
void SetUpgradeHooks(Server& server, detail::UpgradeHooks hooks);

}  // namespace livedrop::http
