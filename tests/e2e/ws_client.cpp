#include "ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

namespace livedrop::e2e {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

struct WsClient::Impl {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  websocket::response_type response;
  bool refused = false;
  bool reading = false;
  bool closed = false;
  beast::flat_buffer buffer;
  beast::error_code read_error;
  bool read_done = false;

  // Runs one read to completion or until the timeout; a pending read survives a timeout.
  std::optional<std::string> ReadOnce(std::chrono::milliseconds timeout) {
    if (closed) return std::nullopt;
    if (!reading) {
      reading = true;
      read_done = false;
      ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
        read_error = ec;
        read_done = true;
        reading = false;
      });
    }
    ioc.restart();
    ioc.run_for(timeout);
    if (!read_done) return std::nullopt;
    read_done = false;
    if (read_error) {
      closed = true;
      return std::nullopt;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    return text;
  }
};

WsClient::WsClient(int port, Options options) : impl_(std::make_unique<Impl>()) {
  auto& socket = impl_->ws.next_layer();
  socket.open(tcp::v4());
  if (options.receive_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(options.receive_buffer_bytes));
  }
  socket.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  impl_->ws.set_option(websocket::stream_base::decorator([options](websocket::request_type& req) {
    for (const auto& [name, value] : options.headers) req.set(name, value);
    if (!options.subprotocols.empty()) {
      req.set(beast::http::field::sec_websocket_protocol, options.subprotocols);
    }
  }));
  beast::error_code ec;
  impl_->ws.handshake(impl_->response, "127.0.0.1", options.target, ec);
  impl_->refused = static_cast<bool>(ec);
}

WsClient::~WsClient() {
  if (!impl_->refused && !impl_->closed) {
    beast::error_code ec;
    impl_->ws.next_layer().close(ec);
  }
}

bool WsClient::Refused() const { return impl_->refused; }
int WsClient::RefusedStatus() const { return static_cast<int>(impl_->response.result_int()); }
std::string WsClient::RefusedBody() const { return impl_->response.body(); }
std::string WsClient::Subprotocol() const {
  return std::string(impl_->response[beast::http::field::sec_websocket_protocol]);
}

bool WsClient::Send(const std::string& text) {
  if (impl_->refused || impl_->closed) return false;
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text), ec);  // beside a pending read: Beast allows one of each
  return !ec;
}

std::optional<std::string> WsClient::Read(std::chrono::milliseconds timeout) {
  return impl_->ReadOnce(timeout);
}

std::optional<std::string> WsClient::ReadType(const std::string& type,
                                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto frame = Read(left);
    if (!frame) return std::nullopt;
    boost::json::error_code ec;
    const auto v = boost::json::parse(*frame, ec);
    if (!ec && v.is_object() && v.as_object().contains("type") &&
        v.as_object().at("type") == type.c_str()) {
      return frame;
    }
  }
  return std::nullopt;
}

bool WsClient::Closed() const { return impl_->closed; }

int WsClient::AwaitClose(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->closed && std::chrono::steady_clock::now() < deadline) {
    Read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                               std::chrono::steady_clock::now()));
  }
  if (!impl_->closed || impl_->read_error != websocket::error::closed) return -1;
  return impl_->ws.reason().code;
}

}  // namespace livedrop::e2e
