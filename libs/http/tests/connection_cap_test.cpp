// ServerOptions::max_connections_per_ip: connections past the cap are closed at accept.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "livedrop/core/error.h"
#include "livedrop/http/server.h"
#include "livedrop/testing/eventually.h"

namespace livedrop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// One kept-alive connection; Get answers the status, or nullopt when the server closed it.
struct Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;

  explicit Connection(int port) {
    stream.connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    stream.expires_after(10s);
  }

  std::optional<int> Get() {
    bhttp::request<bhttp::empty_body> req(bhttp::verb::get, "/", 11);
    req.set(bhttp::field::host, "127.0.0.1");
    beast::error_code ec;
    bhttp::write(stream, req, ec);
    if (ec) return std::nullopt;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res, ec);
    if (ec) return std::nullopt;
    return res.result_int();
  }
};

TEST(ConnectionCap, PastTheCap_AConnectionIsClosed_UntilOneEnds) {
  ServerOptions options;
  options.max_connections_per_ip = 2;
  Server server(options, [](Request&&, Responder respond) { respond(Response::Text(200, "ok")); });
  server.Start();
  auto first = std::make_unique<Connection>(server.port());
  Connection second(server.port());
  EXPECT_EQ(first->Get(), 200);
  EXPECT_EQ(second.Get(), 200);
  Connection third(server.port());
  EXPECT_EQ(third.Get(), std::nullopt);
  EXPECT_EQ(second.Get(), 200);  // the ones admitted are untouched

  first.reset();  // one ends: its place comes back
  EXPECT_TRUE(testing::Eventually(
      [&] { return Connection(server.port()).Get() == std::optional<int>(200); }, 5s));
  server.Stop();
}

TEST(ConnectionCap, ExemptAddress_IsNotCapped) {
  ServerOptions options;
  options.max_connections_per_ip = 1;
  options.connection_cap_exempt = AddressList({"127.0.0.0/8"});
  Server server(options, [](Request&&, Responder respond) { respond(Response::Text(200, "ok")); });
  server.Start();
  Connection a(server.port()), b(server.port()), c(server.port());
  EXPECT_EQ(a.Get(), 200);
  EXPECT_EQ(b.Get(), 200);
  EXPECT_EQ(c.Get(), 200);
  server.Stop();
}

TEST(AddressList, MatchesAddressesAndIpv4Ranges) {
  const AddressList list({"10.0.0.0/8", "192.168.1.7", "::1"});
  EXPECT_TRUE(list.Contains("10.200.3.4"));
  EXPECT_TRUE(list.Contains("::ffff:10.0.0.1"));
  EXPECT_TRUE(list.Contains("192.168.1.7"));
  EXPECT_TRUE(list.Contains("::1"));
  EXPECT_FALSE(list.Contains("11.0.0.1"));
  EXPECT_FALSE(list.Contains("192.168.1.8"));
  EXPECT_FALSE(list.Contains("not an address"));
  EXPECT_FALSE(AddressList().Contains("10.0.0.1"));
  EXPECT_THROW(AddressList({"10.0.0.0/33"}), Error);
  EXPECT_THROW(AddressList({"gateway"}), Error);
}

}  // namespace
}  // namespace livedrop::http
