#include "livedrop/http/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/testing/eventually.h"
#include "upgrade.h"

namespace livedrop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

using BeastResponse = bhttp::response<bhttp::string_body>;

// A blocking client over one connection, so keep-alive and closing can be observed.
struct Client {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;

  explicit Client(int port) {
    stream.connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    stream.expires_after(10s);  // a hung server fails the test instead of hanging it
  }

  BeastResponse Send(const std::string& method, const std::string& target, std::string body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    bhttp::write(stream, req);
    return Read();
  }

  BeastResponse Read() {
    BeastResponse res;
    bhttp::read(stream, buffer, res);
    return res;
  }

  void WriteRaw(const std::string& raw) { asio::write(stream, asio::buffer(raw)); }

  // True when the server has closed the connection (EOF or reset), waiting up to `within`.
  bool ClosedByServer(std::chrono::milliseconds within) {
    stream.expires_after(within);
    char byte;
    beast::error_code ec;
    stream.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }
};

Handler Echo() {
  return [](Request&& r, Responder done) {
    done(Response::Text(
        200, r.method + " " + r.path + " " + r.QueryParam("q").value_or("") + " " + r.body));
  };
}

std::string Code(const BeastResponse& res) {
  return std::string(boost::json::parse(res.body()).at("code").as_string());
}

TEST(Server, RoundTrip_WithDecodedQueryAndStandardHeaders) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  ASSERT_GT(server.port(), 0);
  Client c(server.port());
  const auto res = c.Send("POST", "/v1/x?q=a%20b&r=1", "payload");
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "POST /v1/x a b payload");
  EXPECT_EQ(res[bhttp::field::content_length], "22");
  EXPECT_EQ(res[bhttp::field::server], "livedrop");
  EXPECT_EQ(res[bhttp::field::date].size(), 29u);  // "Sun, 06 Nov 1994 08:49:37 GMT"
  EXPECT_TRUE(res.keep_alive());
}

TEST(Server, Request_CarriesHeadersQueryAndRemoteAddress) {
  std::promise<Request> seen;
  Server server(ServerOptions{}, [&](Request&& r, Responder done) {
    seen.set_value(std::move(r));
    done(Response::Text(204, ""));
  });
  server.Start();
  Client c(server.port());
  EXPECT_EQ(c.Send("GET", "/p/a%2Fb?x=1&y=two+words", "", {{"X-Request-Id", "r-1"}}).result_int(),
            204u);
  const auto r = seen.get_future().get();
  EXPECT_EQ(r.path, "/p/a%2Fb");  // still encoded: the Router decodes parameters
  EXPECT_EQ(r.query, "x=1&y=two+words");
  EXPECT_EQ(r.QueryParam("y"), "two words");
  EXPECT_EQ(r.headers.Get("x-request-id"), "r-1");
  EXPECT_EQ(r.remote_address, "127.0.0.1");
}

TEST(Server, KeepAlive_TwoRequestsOnOneConnection) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  Client c(server.port());
  EXPECT_EQ(c.Send("GET", "/one").body(), "GET /one  ");
  EXPECT_EQ(c.Send("GET", "/two").body(), "GET /two  ");
}

TEST(Server, ConnectionClose_IsHonouredAndAnswered) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  Client c(server.port());
  const auto res = c.Send("GET", "/", "", {{"Connection", "close"}});
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.ClosedByServer(2s));
}

TEST(Server, BodyOverLimit_Returns413ProblemAndCloses) {
  ServerOptions options;
  options.body_limit = 1024;
  Server server(options, Echo());
  server.Start();
  Client c(server.port());
  const auto res = c.Send("POST", "/x", std::string(4096, 'a'));
  EXPECT_EQ(res.result_int(), 413u);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(Code(res), "payload_too_large");
  EXPECT_FALSE(res.keep_alive());
}

TEST(Server, HeadersOverLimit_Returns431) {
  ServerOptions options;
  options.header_limit = 1024;
  Server server(options, Echo());
  server.Start();
  Client c(server.port());
  const auto res = c.Send("GET", "/", "", {{"X-Big", std::string(2048, 'h')}});
  EXPECT_EQ(res.result_int(), 431u);
  EXPECT_EQ(Code(res), "headers_too_large");
}

TEST(Server, MalformedRequest_Returns400AndCloses) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  Client c(server.port());
  c.WriteRaw("NOT HTTP AT ALL\r\n\r\n");
  const auto res = c.Read();
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "malformed_request");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.ClosedByServer(2s));
}

TEST(Server, IncompleteRequest_Returns408AfterReadTimeout) {
  ServerOptions options;
  options.read_timeout = 200ms;
  Server server(options, Echo());
  server.Start();
  Client c(server.port());
  const auto start = std::chrono::steady_clock::now();
  c.WriteRaw("GET / HTTP/1.1\r\nHost: x\r\n");  // headers never finish
  const auto res = c.Read();
  EXPECT_EQ(res.result_int(), 408u);
  EXPECT_EQ(Code(res), "request_timeout");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 180ms);
  EXPECT_TRUE(c.ClosedByServer(2s));
}

TEST(Server, IdleKeepAliveConnection_IsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  Server server(options, Echo());
  server.Start();
  Client c(server.port());
  EXPECT_EQ(c.Send("GET", "/").result_int(), 200u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ClosedByServer(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
}

// One io_context per I/O thread: connections are dealt round robin, and a connection stays
// on its thread's context for its whole life.
TEST(Server, Connections_AreSpreadOverTheIoThreadsAndEachStaysOnOne) {
  std::mutex mutex;
  std::map<std::string, std::set<std::thread::id>> threads_of;  // by connection (?c=)
  ServerOptions options;
  options.threads = 3;
  Server server(options, [&](Request&& r, Responder done) {
    {
      std::lock_guard lock(mutex);
      threads_of[r.QueryParam("c").value_or("")].insert(std::this_thread::get_id());
    }
    done(Response::Text(200, "ok"));
  });
  server.Start();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(std::make_unique<Client>(server.port()));
  for (int round = 0; round < 5; ++round) {
    for (std::size_t i = 0; i < clients.size(); ++i) {
      ASSERT_EQ(clients[i]->Send("GET", "/?c=" + std::to_string(i)).result_int(), 200u);
    }
  }
  std::set<std::thread::id> all;
  for (const auto& [connection, threads] : threads_of) {
    EXPECT_EQ(threads.size(), 1u) << "connection " << connection << " moved between threads";
    all.insert(threads.begin(), threads.end());
  }
  EXPECT_EQ(threads_of.size(), 6u);
  EXPECT_EQ(all.size(), 3u) << "six connections over three threads use all three";
}

TEST(Server, HandlerAnsweringFromAnotherThread_Works) {
  Server server(ServerOptions{}, [](Request&&, Responder done) {
    std::thread([done = std::move(done)] {
      testing::Idle(50ms, "the answer comes later, from another thread");
      done(Response::Text(201, "later"));
    }).detach();
  });
  server.Start();
  Client c(server.port());
  const auto res = c.Send("GET", "/");
  EXPECT_EQ(res.result_int(), 201u);
  EXPECT_EQ(res.body(), "later");
}

TEST(Server, HandlerThatNeverAnswers_Returns504AndTheConnectionStaysUsable) {
  ServerOptions options;
  options.handler_timeout = 200ms;
  Responder kept;
  std::mutex mutex;
  Server server(options, [&](Request&& r, Responder done) {
    if (r.path == "/ok") return done(Response::Text(200, "ok"));
    std::lock_guard lock(mutex);
    kept = std::move(done);  // never called in time
  });
  server.Start();
  Client c(server.port());
  const auto res = c.Send("GET", "/hang");
  EXPECT_EQ(res.result_int(), 504u);
  EXPECT_EQ(Code(res), "handler_timeout");
  {
    std::lock_guard lock(mutex);
    kept(Response::Text(200, "too late"));  // dropped: the request was already answered
  }
  const auto next = c.Send("GET", "/ok");
  EXPECT_EQ(next.result_int(), 200u);
  EXPECT_EQ(next.body(), "ok");
}

TEST(Server, HandlerThatThrows_Returns500Problem) {
  Server server(ServerOptions{},
                [](Request&&, Responder) -> void { throw std::runtime_error("secret detail"); });
  server.Start();
  Client c(server.port());
  const auto res = c.Send("GET", "/");
  EXPECT_EQ(res.result_int(), 500u);
  EXPECT_EQ(Code(res), "internal");
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
}

TEST(Server, Stop_DrainsAnInFlightRequestAndClosesAfterIt) {
  std::atomic<bool> received{false};
  Server server(ServerOptions{}, [&received](Request&&, Responder done) {
    received = true;
    std::thread([done = std::move(done)] {
      testing::Idle(300ms, "the request is still in flight when Stop is called");
      done(Response::Text(200, "finished"));
    }).detach();
  });
  server.Start();
  Client c(server.port());
  BeastResponse res;
  std::thread client([&] { res = c.Send("GET", "/slow"); });
  EXPECT_TRUE(testing::Eventually([&] { return received.load(); }, 10s, 1ms));
  server.Stop(5s);
  client.join();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "finished");
  EXPECT_FALSE(res.keep_alive());
}

TEST(Server, Stop_ClosesIdleKeepAliveConnectionsWithoutWaitingForTheDrain) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  Client c(server.port());
  EXPECT_EQ(c.Send("GET", "/").result_int(), 200u);
  const auto start = std::chrono::steady_clock::now();
  server.Stop(10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(c.ClosedByServer(2s));
}

TEST(Server, Stop_RefusesNewConnections) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  const int port = server.port();
  server.Stop(0ms);
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  socket.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  EXPECT_TRUE(ec);
}

TEST(Server, Wait_ReturnsOnceStopHasFinished) {
  Server server(ServerOptions{}, Echo());
  server.Start();
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    testing::Idle(100ms, "Wait() is blocked before Stop is called");
    stopped = true;
    server.Stop(1s);
  });
  server.Wait();
  EXPECT_TRUE(stopped);
  stopper.join();
}

TEST(Server, ResponderCalledAfterTheServerIsGone_IsHarmless) {
  std::promise<Responder> held;
  {
    Server server(ServerOptions{}, [&](Request&&, Responder done) { held.set_value(done); });
    server.Start();
    Client c(server.port());
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/", 11);
    bhttp::write(c.stream, req);
    auto future = held.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    Responder late = future.get();
    server.Stop(0ms);
    late(Response::Text(200, "nobody listens"));  // must neither crash nor hang
  }
  SUCCEED();
}

TEST(Server, PortInUse_ThrowsListenFailed) {
  Server first(ServerOptions{}, Echo());
  first.Start();
  ServerOptions options;
  options.port = first.port();
  Server second(options, Echo());
  try {
    second.Start();
    FAIL() << "expected listen_failed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "listen_failed");
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  }
}

TEST(Server, UpgradeRequest_IsHandedToTheUpgradeHook) {
  Server server(ServerOptions{}, Echo());
  detail::UpgradeHooks hooks;
  hooks.plain = [](detail::PlainStream stream, detail::BeastRequest req, beast::flat_buffer) {
    // Stand-in for a WebSocket handshake: answer 101 on the handed-over stream.
    BeastResponse res{bhttp::status::switching_protocols, req.version()};
    res.set(bhttp::field::upgrade, req[bhttp::field::upgrade]);
    res.set(bhttp::field::connection, "Upgrade");
    beast::error_code ec;
    bhttp::write(stream, res, ec);
  };
  SetUpgradeHooks(server, std::move(hooks));
  server.Start();
  Client c(server.port());
  const auto res = c.Send("GET", "/ws", "", {{"Connection", "Upgrade"}, {"Upgrade", "test"}});
  EXPECT_EQ(res.result_int(), 101u);
  EXPECT_EQ(res[bhttp::field::upgrade], "test");
  Client plain(server.port());
  EXPECT_EQ(plain.Send("GET", "/x").body(), "GET /x  ");  // ordinary requests unaffected
}

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("livedrop-http-test-" + std::to_string(getpid()) + "-" +
               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

TEST(Server, Tls_RoundTrip) {
  TempDir dir;
  const std::string cert = dir.File("cert.pem"), key = dir.File("key.pem");
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
      " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerOptions options;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  Server server(options, Echo());
  server.Start();

  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert);  // trust exactly the self-signed certificate
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  beast::get_lowest_layer(stream).expires_after(10s);
  beast::get_lowest_layer(stream).connect(tcp::endpoint(
      asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server.port())));
  stream.handshake(asio::ssl::stream_base::client);
  beast::flat_buffer buffer;
  for (const std::string path : {"/secure", "/again"}) {  // keep-alive over TLS too
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, path, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, req);
    BeastResponse res;
    bhttp::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), "GET " + path + "  ");
  }
}

TEST(Server, TlsWithMissingCertificate_ThrowsTlsInvalid) {
  ServerOptions options;
  options.tls_cert_file = "/nonexistent/cert.pem";
  options.tls_key_file = "/nonexistent/key.pem";
  Server server(options, Echo());
  try {
    server.Start();
    FAIL() << "expected tls_invalid";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tls_invalid");
  }
}

}  // namespace
}  // namespace livedrop::http
