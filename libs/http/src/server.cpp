// The Beast side of livedrop::http: a Listener that accepts connections and one HttpSession
// per connection (plain or TLS, one template), each on its own strand. Nothing here leaks
// into the public headers.
#include "livedrop/http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <ctime>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/http/problem.h"
#include "session_registry.h"
#include "upgrade.h"

namespace livedrop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using detail::BeastRequest;
using detail::BeastResponse;
using detail::PlainStream;
using detail::TlsStream;

constexpr auto kTlsShutdownTimeout = std::chrono::seconds(1);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);
constexpr auto kCloseWait = std::chrono::milliseconds(250);

// IMF-fixdate (RFC 9110 §5.6.7), recomputed at most once a second per thread.
const std::string& HttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    cached = buf;
    cached_second = now;
  }
  return cached;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Request detail::ToRequest(BeastRequest& msg, const std::string& remote) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  if (const auto url = boost::urls::parse_uri_reference(r.target); url) {
    r.path = std::string(url->encoded_path());
    r.query = std::string(url->encoded_query());
    for (const auto& param : url->params()) r.query_params.emplace(param.key, param.value);
  } else {
    // Not a valid URI (e.g. raw spaces): routed as written, no query parameters.
    const auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) r.query = r.target.substr(q + 1);
  }
  if (r.path.empty()) r.path = "/";
  for (const auto& field : msg) {
    r.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  r.body = std::move(msg.body());
  r.remote_address = remote;
  return r;
}

detail::BeastResponse detail::ToBeast(Response&& response, unsigned version, bool keep_alive,
                                      const std::string& server_name) {
  int status = response.status;
  if (status < 100 || status > 599) {
    spdlog::error("HTTP handler answered with invalid status {}; sending 500", status);
    response = Problem(500, "internal", "Internal Server Error", "an unexpected error occurred");
    status = 500;
  }
  BeastResponse res;
  res.version(version);
  res.result(static_cast<unsigned>(status));
  for (auto& [name, value] : response.headers.fields()) res.insert(name, value);
  if (res.find(bhttp::field::server) == res.end()) res.set(bhttp::field::server, server_name);
  if (res.find(bhttp::field::date) == res.end()) res.set(bhttp::field::date, HttpDate());
  // 1xx, 204 and 304 carry no body (prepare_payload would refuse one).
  if (status < 200 || status == 204 || status == 304) {
    response.body.clear();
  }
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

namespace {

using detail::ToBeast;
using detail::ToRequest;

bool IsUpgrade(const BeastRequest& msg) {
  return msg.version() >= 11 && msg.find(bhttp::field::upgrade) != msg.end() &&
         msg[bhttp::field::connection].find("pgrade") != beast::string_view::npos;
}

}  // namespace

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void CloseIfIdle() = 0;  // idle keep-alive connections go at the start of Stop()
  virtual void Close() = 0;        // everything goes when the drain time is up
  // A Responder may be called after the Server is gone (a gRPC callback that comes late): it
  // posts to its session's executor only while this gate of the session is open, and Stop
  // closes it before the io_context dies. One gate per connection, so that answering takes no
  // lock shared with every other request.
  virtual void ClosePosting() = 0;
};

// Shared by the listener and every session. Member order matters: sessions still queued in
// an io_context are destroyed with it and unregister themselves, so everything they touch
// is declared (and so outlives) before the contexts.
struct ServerState {
  ServerOptions options;
  Handler handler;
  detail::UpgradeHooks upgrade;
  std::optional<ssl::context> tls;
  std::atomic<int> active_requests{0};
  std::atomic<bool> stopping{false};
  detail::SessionRegistry<SessionBase> sessions;
  // One io_context per I/O thread, connections dealt round robin: a context's scheduler lock
  // is shared only by its own thread's connections (and answers posted to them), not by every
  // request as with one context run by all the threads. Made by Start().
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::atomic<std::size_t> next_context{0};
  // Open connections by peer address, for options.max_connections_per_ip (taken at accept and
  // given back when a session ends: no lock on the way of a request).
  std::mutex per_ip_mutex;
  std::unordered_map<std::string, int> per_ip;

  // False when `address` already holds its cap; otherwise counted (ReleaseConnection later).
  bool TakeConnection(const std::string& address) {
    std::lock_guard lock(per_ip_mutex);
    int& n = per_ip[address];
    if (n >= options.max_connections_per_ip) return false;
    ++n;
    return true;
  }
  void ReleaseConnection(const std::string& address) {
    std::lock_guard lock(per_ip_mutex);
    const auto it = per_ip.find(address);
    if (it != per_ip.end() && --it->second <= 0) per_ip.erase(it);
  }

  asio::io_context& NextContext() {
    return *contexts[next_context.fetch_add(1, std::memory_order_relaxed) % contexts.size()];
  }
};

namespace {

// One connection: [TLS handshake], then read a request, hand it to the handler, write its
// answer, repeat while keep-alive holds.
template <class Stream>
class HttpSession : public SessionBase, public std::enable_shared_from_this<HttpSession<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  HttpSession(ServerState& server, Stream&& stream)
      : server_(server), stream_(std::move(stream)), timer_(stream_.get_executor()) {}

  ~HttpSession() override {
    FinishRequest();
    server_.sessions.Remove(this);
    if (!counted_address_.empty()) server_.ReleaseConnection(counted_address_);
  }

  // The connection counts against its address's cap until the session ends.
  void CountAgainst(std::string address) { counted_address_ = std::move(address); }

  void Run() {
    server_.sessions.Add(this->shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

  void CloseIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      const bool idle =
          self->state_ == State::kIdle || self->state_ == State::kHandshake ||
          (self->state_ == State::kReading && self->parser_ && !self->parser_->got_some());
      if (idle) self->CloseNow();
    });
  }

  void Close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->CloseNow(); });
  }

  void ClosePosting() override {
    std::lock_guard lock(post_mutex_);
    can_post_ = false;
  }

 private:
  enum class State { kHandshake, kIdle, kReading, kHandling, kWriting, kClosed };

  tcp::socket& Socket() { return beast::get_lowest_layer(stream_).socket(); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  std::shared_ptr<HttpSession> Self() { return this->shared_from_this(); }

  void Begin() {
    beast::error_code ec;
    const auto endpoint = Socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    if (state_ == State::kClosed) return;  // closed by Stop() before it began
    if (server_.stopping) return CloseNow();
    if constexpr (kTls) {
      state_ = State::kHandshake;
      Tcp().expires_after(server_.options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = Self()](beast::error_code ec) {
        if (ec) return self->CloseNow();
        self->ReadRequest();
      });
    } else {
      ReadRequest();
    }
  }

  // Between keep-alive requests: wait (up to idle_timeout) for the first byte of the next
  // one, so read_timeout measures the request itself rather than the client's pause.
  void AwaitNextRequest() {
    if (server_.stopping) return CloseNow();
    if (buffer_.size() > 0) return ReadRequest();  // pipelined
    state_ = State::kIdle;
    Tcp().expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = Self()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec || self->state_ == State::kClosed) return self->CloseNow();
                              self->ReadRequest();
                            });
  }

  void ReadRequest() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(server_.options.header_limit, UINT32_MAX)));
    Tcp().expires_never();  // our own timer, so that a timeout can still be answered with 408
    read_timed_out_ = false;
    ArmTimer(server_.options.read_timeout, [](HttpSession& s) {
      s.read_timed_out_ = true;
      s.Tcp().cancel();
    });
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = Self()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    DisarmTimer();
    if (state_ == State::kClosed) return;
    if (read_timed_out_) {
      return WriteAndClose(Problem(408, "request_timeout", "Request Timeout",
                                   "the request was not received in time"));
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return CloseNow();
    }
    if (ec == bhttp::error::body_limit) {
      return WriteAndClose(
          Problem(413, "payload_too_large", "Content Too Large",
                  "request body exceeds " + std::to_string(server_.options.body_limit) + " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      return WriteAndClose(Problem(431, "headers_too_large", "Request Header Fields Too Large",
                                   "request headers are too large"));
    }
    if (ec) {
      return WriteAndClose(Problem(400, "malformed_request", "Bad Request",
                                   "malformed HTTP request: " + ec.message()));
    }
    auto msg = parser_->release();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    ++served_;
    if (IsUpgrade(msg) && TryUpgrade(msg)) return;
    Dispatch(ToRequest(msg, remote_));
  }

  bool TryUpgrade(BeastRequest& msg) {
    if constexpr (kTls) {
      return HandOver(server_.upgrade.tls, msg);
    } else {
      return HandOver(server_.upgrade.plain, msg);
    }
  }

  template <class Hook>
  bool HandOver(const Hook& hook, BeastRequest& msg) {
    if (!hook) return false;
    state_ = State::kClosed;  // the stream is the hook's now
    hook(std::move(stream_), std::move(msg), std::move(buffer_));
    return true;
  }

  void Dispatch(Request&& request) {
    state_ = State::kHandling;
    request_active_ = true;
    ++server_.active_requests;
    auto answered = std::make_shared<std::atomic<bool>>(false);
    // The timer's handler holds the session: it lives at least until answer or timeout.
    ArmTimer(server_.options.handler_timeout, [answered](HttpSession& s) {
      if (answered->exchange(true)) return;
      s.Respond(Problem(504, "handler_timeout", "Gateway Timeout",
                        "the request took too long to answer"));
    });
    Responder responder = [weak = this->weak_from_this(), answered](Response response) {
      if (answered->exchange(true)) return;
      if (auto self = weak.lock()) self->PostRespond(std::move(response));
    };
    try {
      server_.handler(std::move(request), std::move(responder));
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler threw: {}", e.what());
      if (!answered->exchange(true)) {
        Respond(Problem(500, "internal", "Internal Server Error", "an unexpected error occurred"));
      }
    }
  }

  void PostRespond(Response&& response) {
    std::lock_guard lock(post_mutex_);
    if (!can_post_) return;
    asio::post(stream_.get_executor(), [self = Self(), response = std::move(response)]() mutable {
      self->Respond(std::move(response));
    });
  }

  void Respond(Response&& response) {
    if (state_ != State::kHandling) return FinishRequest();  // closed meanwhile
    DisarmTimer();
    const auto connection = response.headers.Get("Connection");
    const bool close =
        !keep_alive_ || server_.stopping || (connection && EqualsIgnoreCase(*connection, "close"));
    Write(std::move(response), close);
  }

  // Answers a request that could not be read, then closes.
  void WriteAndClose(Response&& response) {
    keep_alive_ = false;
    Write(std::move(response), true);
  }

  void Write(Response&& response, bool close) {
    state_ = State::kWriting;
    std::shared_ptr<BeastResponse> res;
    try {
      res = std::make_shared<BeastResponse>(
          ToBeast(std::move(response), version_, !close, server_.options.server_name));
    } catch (const std::exception& e) {
      spdlog::error("HTTP response could not be serialized: {}", e.what());
      return CloseNow();
    }
    // A client that does not read its answer cannot hold the connection forever.
    Tcp().expires_after(server_.options.read_timeout);
    bhttp::async_write(stream_, *res,
                       [self = Self(), res, close](beast::error_code ec, std::size_t) {
                         self->FinishRequest();
                         if (ec || self->state_ == State::kClosed) return self->CloseNow();
                         if (close) return self->GracefulClose();
                         self->AwaitNextRequest();
                       });
  }

  void FinishRequest() {
    if (request_active_) {
      request_active_ = false;
      --server_.active_requests;
    }
  }

  void GracefulClose() {
    state_ = State::kClosed;
    if constexpr (kTls) {
      Tcp().expires_after(kTlsShutdownTimeout);
      stream_.async_shutdown([self = Self()](beast::error_code) { self->CloseNow(); });
    } else {
      beast::error_code ec;
      Socket().shutdown(tcp::socket::shutdown_send, ec);
      CloseNow();
    }
  }

  void CloseNow() {
    state_ = State::kClosed;
    DisarmTimer();
    FinishRequest();
    Tcp().close();
  }

  // One timer serves the read deadline and the handler deadline (never both at once); the
  // generation makes a stale expiry a no-op.
  template <class OnExpire>
  void ArmTimer(std::chrono::milliseconds after, OnExpire on_expire) {
    timer_.expires_after(after);
    timer_.async_wait([self = Self(), generation = ++timer_generation_,
                       on_expire = std::move(on_expire)](beast::error_code ec) {
      if (ec || generation != self->timer_generation_ || self->state_ == State::kClosed) return;
      on_expire(*self);
    });
  }

  void DisarmTimer() {
    ++timer_generation_;
    timer_.cancel();
  }

  ServerState& server_;  // outlives every session (see ServerState)
  Stream stream_;
  asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  State state_ = State::kHandshake;
  std::string remote_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool read_timed_out_ = false;
  bool request_active_ = false;  // counted in server_.active_requests
  int served_ = 0;
  std::mutex post_mutex_;  // this connection's Responders against Stop (ClosePosting)
  bool can_post_ = true;
  std::string counted_address_;
};

// Accepts connections, each onto a strand of its own, and starts a session for it.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(ServerState& server, const tcp::endpoint& endpoint)
      : server_(server),
        acceptor_(asio::make_strand(*server.contexts.front())),
        retry_(acceptor_.get_executor()) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  int port() const { return acceptor_.local_endpoint().port(); }

  void Run() { Accept(); }

  // Returns once the port is closed, so nothing connects after Stop() begins. Must not be
  // called from an I/O thread.
  void Stop() {
    std::promise<void> closed;
    asio::post(acceptor_.get_executor(), [self = shared_from_this(), &closed] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_.cancel();
      closed.set_value();
    });
    closed.get_future().wait();
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(server_.NextContext()),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                             self->OnAccept(ec, std::move(socket));
                           });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open() || server_.stopping) return;
    if (ec) {
      // E.g. out of file descriptors: back off instead of spinning.
      spdlog::warn("HTTP accept failed: {}", ec.message());
      retry_.expires_after(kAcceptRetryDelay);
      retry_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->Accept();
      });
      return;
    }
    std::string counted;
    if (server_.options.max_connections_per_ip > 0) {
      beast::error_code peer_ec;
      const auto peer = socket.remote_endpoint(peer_ec);
      const std::string address = peer_ec ? "" : peer.address().to_string();
      if (!address.empty() && !server_.options.connection_cap_exempt.Contains(address)) {
        if (!server_.TakeConnection(address)) {
          beast::error_code close_ec;
          socket.close(close_ec);
          return Accept();
        }
        counted = address;
      }
    }
    if (server_.tls) {
      auto session = std::make_shared<HttpSession<TlsStream>>(
          server_, TlsStream(beast::tcp_stream(std::move(socket)), *server_.tls));
      if (!counted.empty()) session->CountAgainst(counted);
      session->Run();
    } else {
      auto session =
          std::make_shared<HttpSession<PlainStream>>(server_, PlainStream(std::move(socket)));
      if (!counted.empty()) session->CountAgainst(counted);
      session->Run();
    }
    Accept();
  }

  ServerState& server_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
};

}  // namespace

struct Server::Impl : ServerState {
  std::shared_ptr<Listener> listener;
  int port = 0;
  std::vector<std::thread> threads;
  // A context with no connection yet must not return from run().
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::mutex lifecycle_mutex;  // Start/Stop/Wait
  std::condition_variable lifecycle_changed;
  bool running = false;
  bool started = false;
};

void SetUpgradeHooks(Server& server, detail::UpgradeHooks hooks) {
  server.impl_->upgrade = std::move(hooks);
}

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

void Server::Start() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (impl_->started) {
    throw Error(ErrorKind::kFailedPrecondition, "server_started", "a Server starts only once");
  }
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
  const int threads = std::max(1, o.threads);
  impl_->work.clear();
  impl_->contexts.clear();
  for (int i = 0; i < threads; ++i) {
    impl_->contexts.push_back(std::make_unique<asio::io_context>(1));
    impl_->work.push_back(asio::make_work_guard(*impl_->contexts.back()));
  }
  try {
    const tcp::endpoint endpoint(asio::ip::make_address(o.host),
                                 static_cast<unsigned short>(o.port));
    impl_->listener = std::make_shared<Listener>(*impl_, endpoint);
    impl_->port = impl_->listener->port();
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kUnavailable, "listen_failed",
                "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + e.what());
  }
  impl_->listener->Run();
  for (auto& context : impl_->contexts) {
    impl_->threads.emplace_back([context = context.get()] { context->run(); });
  }
  impl_->started = true;
  impl_->running = true;
}

int Server::port() const { return impl_->port; }

void Server::Stop(std::chrono::milliseconds drain) {
  std::unique_lock lock(impl_->lifecycle_mutex);
  if (!impl_->running) return;
  impl_->stopping = true;
  impl_->listener->Stop();
  for (auto& s : impl_->sessions.Open()) s->CloseIfIdle();

  const auto deadline = std::chrono::steady_clock::now() + drain;
  while (impl_->active_requests > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& s : impl_->sessions.Open()) s->Close();
  // Sessions unregister as their last pending operation completes.
  impl_->sessions.WaitEmpty(kCloseWait);
  // Sessions still alive (a late Responder holds one) must not post to a dead io_context.
  for (auto& s : impl_->sessions.Open()) s->ClosePosting();
  impl_->work.clear();
  for (auto& context : impl_->contexts) context->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->running = false;
  impl_->lifecycle_changed.notify_all();
}

void Server::Wait() {
  std::unique_lock lock(impl_->lifecycle_mutex);
  impl_->lifecycle_changed.wait(lock, [&] { return !impl_->running; });
}

}  // namespace livedrop::http
