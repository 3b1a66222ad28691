#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "livedrop/http/server.h"

namespace livedrop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

using BeastResponse = bhttp::response<bhttp::string_body>;

// A blocking client over one connection, so keep-alive can be observed.
struct Client {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  explicit Client(int port) {
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  }
  BeastResponse Send(const std::string& method, const std::string& target, std::string body = "") {
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    req.body() = std::move(body);
    req.prepare_payload();
    bhttp::write(stream, req);
    BeastResponse res;
    bhttp::read(stream, buffer, res);
    return res;
  }
  std::string SendRaw(const std::string& raw) {
    asio::write(stream.socket(), asio::buffer(raw));
    BeastResponse res;
    beast::error_code ec;
    bhttp::read(stream, buffer, res, ec);
    return ec ? "" : std::to_string(res.result_int()) + " " + res.body();
  }
};

Handler Echo() {
  return [](Request&& r, Responder done) {
    done(Response::Text(200, r.method + " " + r.path + " " + r.QueryParam("q").value_or("") +
                                 " " + r.body));
  };
}

TEST(Server, RoundTrip_WithDecodedQuery) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  Client c(server.port());
  const auto res = c.Send("POST", "/v1/x?q=a%20b", "payload");
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "POST /v1/x a b payload");
}

TEST(Server, KeepAlive_TwoRequestsOnOneConnection) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  Client c(server.port());
  EXPECT_EQ(c.Send("GET", "/one").body(), "GET /one  ");
  EXPECT_EQ(c.Send("GET", "/two").body(), "GET /two  ");
}

TEST(Server, BodyOverLimit_Returns413Problem) {
  ServerOptions options;
  options.body_limit = 1024;
  Server server(options, Echo());
  server.Start();
  Client c(server.port());
  const auto res = c.Send("POST", "/x", std::string(4096, 'a'));
  EXPECT_EQ(res.result_int(), 413u);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_NE(res.body().find("payload_too_large"), std::string::npos);
}

TEST(Server, MalformedRequest_Returns400) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  Client c(server.port());
  const auto answer = c.SendRaw("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 3), "400");
}

TEST(Server, HandlerAnsweringFromAnotherThread_Works) {
  Server server(ServerOptions{}, [](Request&&, Responder done) {
    std::thread([done = std::move(done)] {
      std::this_thread::sleep_for(50ms);
      done(Response::Text(201, "later"));
    }).detach();
  });
  server.Start();
  Client c(server.port());
  const auto res = c.Send("GET", "/");
  EXPECT_EQ(res.result_int(), 201u);
  EXPECT_EQ(res.body(), "later");
}

TEST(Server, HandlerThatNeverAnswers_Returns504) {
  ServerOptions options;
  options.handler_timeout = 200ms;
  Server server(options, [](Request&&, Responder) {});
  server.Start();
  Client c(server.port());
  EXPECT_EQ(c.Send("GET", "/").result_int(), 504u);
}

TEST(Server, Stop_DrainsAnInFlightRequest) {
  Server server(ServerOptions{}, [](Request&&, Responder done) {
    std::thread([done = std::move(done)] {
      std::this_thread::sleep_for(300ms);
      done(Response::Text(200, "finished"));
    }).detach();
  });
  server.Start();
  Client c(server.port());
  BeastResponse res;
  std::thread client([&] { res = c.Send("GET", "/slow"); });
  std::this_thread::sleep_for(100ms);
  server.Stop(2s);
  client.join();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "finished");
}

TEST(Server, Tls_RoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() / ("livedrop-tls-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
                          key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerOptions options;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  Server server(options, Echo());
  server.Start();

  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  beast::get_lowest_layer(stream).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server.port())));
  stream.handshake(asio::ssl::stream_base::client);
  bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/secure", 11);
  req.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  BeastResponse res;
  bhttp::read(stream, buffer, res);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "GET /secure  ");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace livedrop::http
