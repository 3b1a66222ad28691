// The Beast side of livedrop::http: a listener and one session per connection (plain or
// TLS), each on its own strand. Nothing here leaks into the public headers.
#include "livedrop/http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "livedrop/core/error.h"
#include "livedrop/http/problem.h"

namespace livedrop::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Close() = 0;
};

// Member order matters: sessions still queued in the io_context are destroyed with it and
// unregister themselves, so everything they touch is declared (and outlives) before ioc.
struct ServerState {
  ServerOptions options;
  Handler handler;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  int port = 0;
  std::mutex sessions_mutex;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::optional<ssl::context> tls;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;

  void Accept();
  void Register(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(sessions_mutex);
    sessions[s.get()] = s;
  }
  void Unregister(SessionBase* s) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
  }
};

namespace {

Request ToRequest(const bhttp::request<bhttp::string_body>& msg, const std::string& remote) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  const auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& field : msg) {
    r.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  r.body = msg.body();
  r.remote_address = remote;
  if (const auto url = boost::urls::parse_origin_form(r.target); url) {
    for (const auto& param : url->params()) r.query_params.emplace(param.key, param.value);
  }
  return r;
}

bhttp::response<bhttp::string_body> ToBeast(Response&& response, unsigned version,
                                            bool keep_alive, const std::string& server_name) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
  res.set(bhttp::field::server, server_name);
  for (auto& [name, value] : response.headers.fields()) res.insert(name, value);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

// One connection: read a request, hand it to the handler, write its answer, repeat.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(ServerState* server, Stream stream)
      : server_(server),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()) {}

  void Run() {
    server_->Register(this->shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Start(); });
  }

  void Close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      beast::error_code ec;
      self->Socket().shutdown(tcp::socket::shutdown_both, ec);
      self->Socket().close(ec);
    });
  }

  ~Session() override { server_->Unregister(this); }

 private:
  tcp::socket& Socket() { return beast::get_lowest_layer(stream_).socket(); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Start() {
    beast::error_code ec;
    const auto endpoint = Socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      Tcp().expires_after(server_->options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->Read();
                              });
    } else {
      Read();
    }
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    Tcp().expires_after(served_ == 0 ? server_->options.read_timeout
                                     : server_->options.idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->OnRead(ec);
                      });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return Shutdown();
    }
    if (ec == bhttp::error::body_limit) {
      return WriteError(Problem(413, "payload_too_large", "Content Too Large",
                                "request body exceeds " +
                                    std::to_string(server_->options.body_limit) + " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      return WriteError(Problem(431, "headers_too_large", "Request Header Fields Too Large",
                                "request headers are too large"));
    }
    if (ec) {
      return WriteError(Problem(400, "malformed_request", "Bad Request",
                                "malformed HTTP request: " + ec.message()));
    }
    auto msg = parser_->release();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    ++served_;
    Tcp().expires_never();
    Dispatch(ToRequest(msg, remote_));
  }

  void Dispatch(Request&& request) {
    answered_ = std::make_shared<std::atomic<bool>>(false);
    server_->in_flight++;
    timer_.expires_after(server_->options.handler_timeout);
    timer_.async_wait([self = this->shared_from_this(), answered = answered_](beast::error_code ec) {
      if (ec || answered->exchange(true)) return;
      self->Write(Problem(504, "handler_timeout", "Gateway Timeout",
                          "the request took too long to answer"));
    });
    auto self = this->shared_from_this();
    Responder responder = [self, answered = answered_](Response response) {
      if (answered->exchange(true)) return;
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->timer_.cancel();
        self->Write(std::move(response));
      });
    };
    try {
      server_->handler(std::move(request), std::move(responder));
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler threw: {}", e.what());
      if (!answered_->exchange(true)) {
        timer_.cancel();
        Write(Problem(500, "internal", "Internal Server Error", "an unexpected error occurred"));
      }
    }
  }

  void Write(Response&& response) {
    server_->in_flight--;
    const bool keep_alive = keep_alive_ && !server_->stopping;
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        ToBeast(std::move(response), version_, keep_alive, server_->options.server_name));
    Tcp().expires_after(server_->options.read_timeout);
    bhttp::async_write(stream_, *res,
                       [self = this->shared_from_this(), res, keep_alive](beast::error_code ec,
                                                                         std::size_t) {
                         if (ec || !keep_alive) return self->Shutdown();
                         self->Read();
                       });
  }

  // Answers a request that could not be read and closes the connection.
  void WriteError(Response&& response) {
    keep_alive_ = false;
    server_->in_flight++;
    Write(std::move(response));
  }

  void Shutdown() {
    beast::error_code ec;
    Socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  ServerState* server_;  // outlives every session (see ServerState)
  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<std::atomic<bool>> answered_;
  std::string remote_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  int served_ = 0;
};

}  // namespace

void ServerState::Accept() {
  acceptor.async_accept(
      asio::make_strand(ioc), [self = this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
          if (ec != asio::error::operation_aborted) self->Accept();
          return;
        }
        if (self->stopping) return;
        if (self->tls) {
          std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
              self, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)),
                                                         *self->tls))
              ->Run();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(self, beast::tcp_stream(std::move(socket)))
              ->Run();
        }
        self->Accept();
      });
}

struct Server::Impl : ServerState {};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

void Server::Start() {
  auto& o = impl_->options;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    try {
      impl_->tls.emplace(ssl::context::tls_server);
      impl_->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                              ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                              ssl::context::no_tlsv1_1);
      impl_->tls->use_certificate_chain_file(o.tls_cert_file);
      impl_->tls->use_private_key_file(o.tls_key_file, ssl::context::pem);
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kInvalidArgument, "tls_invalid",
                  std::string("cannot load TLS certificate or key: ") + e.what());
    }
  }
  try {
    const tcp::endpoint endpoint(asio::ip::make_address(o.host), static_cast<unsigned short>(o.port));
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->port = impl_->acceptor.local_endpoint().port();
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kUnavailable, "listen_failed",
                "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + e.what());
  }
  impl_->Accept();
  for (int i = 0; i < std::max(1, o.threads); ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
  }
}

int Server::port() const { return impl_->port; }

void Server::Stop(std::chrono::milliseconds drain) {
  if (impl_->threads.empty()) return;
  impl_->stopping = true;
  asio::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  const auto deadline = std::chrono::steady_clock::now() + drain;
  while (impl_->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(impl_->sessions_mutex);
    for (auto& [ptr, weak] : impl_->sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (auto& s : open) s->Close();
  open.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace livedrop::http
