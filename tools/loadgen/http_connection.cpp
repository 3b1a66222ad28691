#include "http_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace livedrop::loadgen {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

// Async operations driven to completion on a private io_context: the only way Beast gives a
// timeout on every step, while the caller sees a plain blocking call.
struct HttpConnection::Impl {
  Impl(std::string h, int p, std::chrono::milliseconds t)
      : host(std::move(h)), port(p), timeout(t), resolver(io) {}

  std::string host;
  int port;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  asio::ip::tcp::resolver resolver;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::optional<asio::ip::tcp::resolver::results_type> endpoints;

  void Drop() {
    if (stream) {
      beast::error_code ec;
      stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      stream->close();
    }
    stream.reset();
    buffer.clear();
  }

  beast::error_code Run() {
    io.restart();
    io.run();
    return {};
  }

  beast::error_code Connect() {
    beast::error_code ec;
    if (!endpoints) {
      auto results = resolver.resolve(host, std::to_string(port), ec);
      if (ec) return ec;
      endpoints = std::move(results);
    }
    stream.emplace(io);
    stream->expires_after(timeout);
    beast::error_code result;
    stream->async_connect(*endpoints, [&](beast::error_code e, const auto&) { result = e; });
    Run();
    if (result) {
      stream.reset();
      return result;
    }
    stream->socket().set_option(asio::ip::tcp::no_delay(true), ec);
    return {};
  }
};

HttpConnection::HttpConnection(std::string host, int port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout)) {}

HttpConnection::~HttpConnection() { impl_->Drop(); }

HttpAnswer HttpConnection::Request(const std::string& method, const std::string& target,
                                   const std::string& body, const Headers& headers) {
  auto& s = *impl_;
  HttpAnswer answer;
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
  req.set(bhttp::field::host, s.host);
  req.set(bhttp::field::user_agent, "livedrop-loadgen");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(true);

  // A kept-alive connection the server closed in the meantime fails on first use; that one
  // failure (before any byte of an answer) is worth one reconnect, since nothing was done.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = s.stream.has_value();
    if (!s.stream) {
      if (auto ec = s.Connect()) {
        answer.error = "connect: " + ec.message();
        return answer;
      }
    }
    const auto start = SteadyClock::now();
    beast::error_code write_ec, read_ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16 << 20);
    s.stream->expires_after(s.timeout);
    bhttp::async_write(*s.stream, req, [&](beast::error_code e, std::size_t) {
      write_ec = e;
      if (e) return;
      bhttp::async_read(*s.stream, s.buffer, parser,
                        [&](beast::error_code e2, std::size_t) { read_ec = e2; });
    });
    s.Run();
    const auto ec = write_ec ? write_ec : read_ec;
    if (ec) {
      const bool nothing_read = !parser.got_some();
      s.Drop();
      if (reused && nothing_read && ec != beast::error::timeout) continue;
      answer.error = (write_ec ? "write: " : "read: ") + ec.message();
      answer.ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
      return answer;
    }
    answer.ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
    auto res = parser.release();
    answer.status = static_cast<int>(res.result_int());
    const auto replayed = res.find("Idempotent-Replayed");
    answer.replayed = replayed != res.end() && beast::iequals(replayed->value(), "true");
    if (const auto retry = res.find(bhttp::field::retry_after); retry != res.end()) {
      answer.retry_after = std::string(retry->value());
    }
    answer.body = std::move(res.body());
    if (!res.keep_alive()) s.Drop();
    return answer;
  }
  return answer;
}

HttpAnswer HttpConnection::Get(const std::string& target, const std::string& bearer) {
  Headers headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return Request("GET", target, "", headers);
}

HttpAnswer HttpConnection::PostJson(const std::string& target, const std::string& json,
                                    const std::string& bearer, const Headers& extra) {
  Headers headers{{"Content-Type", "application/json"}};
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  headers.insert(headers.end(), extra.begin(), extra.end());
  return Request("POST", target, json, headers);
}

}  // namespace livedrop::loadgen
