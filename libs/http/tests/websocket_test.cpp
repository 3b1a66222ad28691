// WebSockets on the livedrop::http::Server, driven by a real Beast WebSocket client.
#include "livedrop/http/websocket.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "livedrop/http/server.h"
#include "livedrop/testing/eventually.h"

namespace livedrop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A blocking client on its own io_context.
class Client {
 public:
  explicit Client(int port, const std::string& target = "/ws") : ws_(ioc_) {
    tcp::resolver resolver(ioc_);
    asio::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws_.handshake("127.0.0.1", target);
  }
  std::string Read() {
    beast::flat_buffer buffer;
    ws_.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }
  void Write(const std::string& text) { ws_.write(asio::buffer(text)); }
  // Reads until the server closes; returns its close code.
  int AwaitClose() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!ec) {
      ws_.read(buffer, ec);
      buffer.consume(buffer.size());
    }
    return ec == websocket::error::closed ? ws_.reason().code : -1;
  }
  tcp::socket& socket() { return ws_.next_layer(); }

 private:
  asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

// A server whose upgrade handler is the test's.
struct Fixture {
  explicit Fixture(UpgradeHandler handler, WebSocketOptions options = {})
      : server(ServerOptions{}, [](Request&&, Responder r) { r(Response::Text(200, "plain\n")); }),
        ws(server, options, std::move(handler)) {
    server.Start();
  }
  ~Fixture() {
    ws.CloseAll(kCloseGoingAway, "bye", 1s);
    server.Stop(0ms);
  }
  Server server;
  WebSocketServer ws;
};

TEST(WebSocket, Accept_FramesArriveInOrderAndClientMessagesReachTheHandler) {
  std::promise<std::string> got;
  std::promise<std::string> target;
  std::shared_ptr<WebSocket> socket;
  Fixture f([&](std::shared_ptr<UpgradeRequest> up) {
    target.set_value(up->request().path + "?" + up->request().query);
    socket = up->Accept({[&](const std::string& text) { got.set_value(text); }, nullptr});
    for (int i = 0; i < 100; ++i) socket->Send(std::make_shared<std::string>(std::to_string(i)));
  });
  Client c(f.server.port(), "/ws?access_token=abc");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(c.Read(), std::to_string(i));
  c.Write("hello");
  EXPECT_EQ(got.get_future().get(), "hello");
  EXPECT_EQ(target.get_future().get(), "/ws?access_token=abc");
  socket.reset();  // sessions must not outlive the server
}

// The wait of a frame in the send queue is what a fan-out benchmark reads per hop.
TEST(WebSocket, AWrittenFrame_IsReportedToOnFrameWritten) {
  std::atomic<int> written{0};
  WebSocketOptions options;
  options.on_frame_written = [&](std::chrono::steady_clock::duration waited) {
    if (waited >= std::chrono::steady_clock::duration::zero()) ++written;
  };
  std::shared_ptr<WebSocket> socket;
  Fixture f(
      [&](std::shared_ptr<UpgradeRequest> up) {
        socket = up->Accept({nullptr, nullptr});
        socket->Send(std::make_shared<std::string>("one"));
      },
      options);
  Client c(f.server.port());
  EXPECT_EQ(c.Read(), "one");
  // The client can read the frame just before the server's write completion runs.
  EXPECT_TRUE(testing::Eventually([&] { return written.load() == 1; }, 10s, 1ms));
  socket.reset();
}

// Paging a long answer through the bounded queue: each page waits for the last to be written.
// 5,000 frames through a queue of 16: without WhenDrained the queue would overflow (4008).
TEST(WebSocket, WhenDrained_PagesALongAnswerThroughASmallQueueWithoutOverflow) {
  WebSocketOptions options;
  options.max_queued_messages = 16;
  constexpr int kPages = 500, kPerPage = 10;
  std::shared_ptr<WebSocket> socket;
  std::atomic<int> pages_sent{0};
  std::function<void()> send_page = [&] {
    const int page = pages_sent++;
    if (page >= kPages) return;
    for (int i = 0; i < kPerPage; ++i) {
      ASSERT_TRUE(socket->Send(std::make_shared<std::string>(std::to_string(page * kPerPage + i))));
    }
    socket->WhenDrained(send_page);
  };
  Fixture f(
      [&](std::shared_ptr<UpgradeRequest> up) {
        socket = up->Accept({nullptr, nullptr});
        send_page();
      },
      options);
  Client c(f.server.port());
  for (int i = 0; i < kPages * kPerPage; ++i) ASSERT_EQ(c.Read(), std::to_string(i));
  EXPECT_FALSE(socket->closing());
  socket.reset();
}

TEST(WebSocket, WhenDrained_WithNothingQueued_CallsBackAtOnce_AfterACloseNever) {
  std::promise<void> called;
  std::shared_ptr<WebSocket> socket;
  std::atomic<bool> after_close{false};
  Fixture f([&](std::shared_ptr<UpgradeRequest> up) {
    socket = up->Accept({nullptr, nullptr});
    socket->WhenDrained([&] { called.set_value(); });
  });
  Client c(f.server.port());
  EXPECT_EQ(called.get_future().wait_for(5s), std::future_status::ready);
  socket->Send(std::make_shared<std::string>("last"));
  socket->Close(kCloseGoingAway, "bye");
  socket->WhenDrained([&] { after_close = true; });
  EXPECT_EQ(c.AwaitClose(), kCloseGoingAway);
  EXPECT_FALSE(after_close.load()) << "a closed connection calls no WhenDrained";
  socket.reset();
}

TEST(WebSocket, Refuse_AnswersTheHttpResponseInsteadOfUpgrading) {
  Fixture f([](std::shared_ptr<UpgradeRequest> up) {
    up->Refuse(Response::Json(401, R"({"code":"unauthenticated"})"));
  });
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  tcp::resolver resolver(ioc);
  asio::connect(ws.next_layer(), resolver.resolve("127.0.0.1", std::to_string(f.server.port())));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1", "/ws", ec);
  EXPECT_EQ(ec, websocket::error::upgrade_declined);
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(res.body(), R"({"code":"unauthenticated"})");
}

TEST(WebSocket, ClientThatNeverReads_IsClosedWithSlowConsumer_OthersKeepReceiving) {
  WebSocketOptions options;
  options.max_queued_bytes = 64 * 1024;
  options.close_timeout = 200ms;
  std::mutex mutex;
  std::vector<std::shared_ptr<WebSocket>> sockets;
  std::promise<int> stalled_closed;
  Fixture f(
      [&](std::shared_ptr<UpgradeRequest> up) {
        const bool first = [&] {
          std::lock_guard lock(mutex);
          return sockets.empty();
        }();
        auto s = up->Accept({nullptr, [&, first](int code) {
                               if (first) stalled_closed.set_value(code);
                             }});
        std::lock_guard lock(mutex);
        sockets.push_back(s);
      },
      options);
  Client stalled(f.server.port());
  stalled.socket().set_option(asio::socket_base::receive_buffer_size(4096));
  Client healthy(f.server.port());
  ASSERT_TRUE(testing::Eventually([&] { return f.ws.open_connections() >= 2; }, 10s, 1ms));
  const auto chunk = std::make_shared<std::string>(16 * 1024, 'x');
  bool refused = false;
  // Far more than any socket buffer: the stalled client's queue must overflow.
  for (int i = 0; i < 20000 && !refused; ++i) {
    std::shared_ptr<WebSocket> first;
    {
      std::lock_guard lock(mutex);
      first = sockets[0];
    }
    refused = !first->Send(chunk);
    if (i % 64 == 0) testing::Idle(1ms, "pace the sends so the healthy socket keeps up");
  }
  EXPECT_TRUE(refused);
  auto closed = stalled_closed.get_future();
  ASSERT_EQ(closed.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(closed.get(), kCloseSlowConsumer);
  // The other connection is unaffected.
  std::shared_ptr<WebSocket> second;
  {
    std::lock_guard lock(mutex);
    second = sockets[1];
  }
  EXPECT_TRUE(second->Send(std::make_shared<std::string>("still here")));
  EXPECT_EQ(healthy.Read(), "still here");
  std::lock_guard lock(mutex);
  sockets.clear();
}

TEST(WebSocket, SlowButReadingClient_SeesTheCloseCode) {
  WebSocketOptions options;
  options.max_queued_messages = 4;
  std::shared_ptr<WebSocket> socket;
  std::promise<void> accepted;
  Fixture f(
      [&](std::shared_ptr<UpgradeRequest> up) {
        socket = up->Accept({});
        accepted.set_value();
      },
      options);
  Client c(f.server.port());
  accepted.get_future().wait();
  // Queued before the handshake's first write can drain them: the fifth overflows.
  bool refused = false;
  for (int i = 0; i < 1000 && !refused; ++i) {
    refused = !socket->Send(std::make_shared<std::string>(std::string(1000, 'y')));
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(c.AwaitClose(), kCloseSlowConsumer);
  socket.reset();
}

TEST(WebSocket, CloseAll_SendsGoingAwayAndClientCloseIsReported) {
  std::promise<int> closed_by_client;
  int accepted = 0;
  Fixture f([&](std::shared_ptr<UpgradeRequest> up) {
    const bool first = accepted++ == 0;
    up->Accept({nullptr, [&, first](int code) {
                  if (first) closed_by_client.set_value(code);
                }});
  });
  {
    asio::io_context ioc;
    websocket::stream<tcp::socket> ws(ioc);
    tcp::resolver resolver(ioc);
    asio::connect(ws.next_layer(), resolver.resolve("127.0.0.1", std::to_string(f.server.port())));
    ws.handshake("127.0.0.1", "/ws");
    ws.close(websocket::close_reason(websocket::close_code::normal));
  }
  EXPECT_EQ(closed_by_client.get_future().get(), kCloseNormal);
  Client c(f.server.port());
  ASSERT_TRUE(testing::Eventually([&] { return f.ws.open_connections() >= 1; }, 10s, 1ms));
  std::thread closer([&] { f.ws.CloseAll(kCloseGoingAway, "restarting", 2s); });
  EXPECT_EQ(c.AwaitClose(), kCloseGoingAway);
  closer.join();
  EXPECT_EQ(f.ws.open_connections(), 0u);
}

TEST(WebSocket, OrdinaryRequestsStillReachTheHttpHandler) {
  Fixture f([](std::shared_ptr<UpgradeRequest> up) { up->Accept({}); });
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(f.server.port())));
  beast::http::request<beast::http::empty_body> req(beast::http::verb::get, "/x", 11);
  req.set(beast::http::field::host, "127.0.0.1");
  beast::http::write(stream, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buffer, res);
  EXPECT_EQ(res.body(), "plain\n");
}

}  // namespace
}  // namespace livedrop::http
