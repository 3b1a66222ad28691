// The Beast side of livedrop::http WebSockets: one WsSession per upgraded connection (plain or
// TLS, one template) on the connection's strand, with a bounded send queue.
#include "livedrop/http/websocket.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>

#include "session_registry.h"
#include "upgrade.h"

namespace livedrop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;

constexpr int kCloseAbnormal = 1006;  // never sent: the connection ended without a close frame

// A frame waiting in a session's send queue, with when Send accepted it.
struct Queued {
  std::shared_ptr<const std::string> text;
  std::chrono::steady_clock::time_point sent_at;
};

class Session {
 public:
  virtual ~Session() = default;
  virtual void Close(int code, const std::string& reason) = 0;
};

}  // namespace

struct WebSocketServer::Impl {
  WebSocketOptions options;
  UpgradeHandler handler;
  detail::SessionRegistry<Session> sessions;
};

namespace {

template <class Stream>
class WsSession final : public WebSocket,
                        public Session,
                        public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(std::shared_ptr<WebSocketServer::Impl> server, Stream stream)
      : server_(std::move(server)), ws_(std::move(stream)), close_timer_(ws_.get_executor()) {}

  ~WsSession() override { server_->sessions.Remove(this); }

  // --- WebSocket ---------------------------------------------------------------------------

  bool Send(std::shared_ptr<const std::string> text) override {
    if (closing_.load()) return false;
    const auto bytes = queued_bytes_ += text->size();
    const auto messages = ++queued_messages_;
    if (bytes > server_->options.max_queued_bytes ||
        messages > server_->options.max_queued_messages) {
      Close(kCloseSlowConsumer, "send queue overflow: the client reads too slowly");
      return false;
    }
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this(),
                frame = Queued{std::move(text), std::chrono::steady_clock::now()}]() mutable {
                 self->Enqueue(std::move(frame));
               });
    return true;
  }

  void Close(int code, const std::string& reason) override {
    if (closing_.exchange(true)) return;
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this(), code, reason] { self->BeginClose(code, reason); });
  }

  bool closing() const override { return closing_.load(); }

  void WhenDrained(std::function<void()> callback) override {
    // Posted after the Sends before it, so the queue holds their frames by then.
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this(), callback = std::move(callback)]() mutable {
                 if (self->state_ == State::kClosing || self->state_ == State::kDone) return;
                 if (self->queue_.empty()) return callback();
                 self->drained_.push_back(std::move(callback));
               });
  }

  // --- the upgrade -------------------------------------------------------------------------

  void Accept(detail::BeastRequest request, WebSocketHandlers handlers,
              const std::string& subprotocol) {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), request = std::move(request),
                                    handlers = std::move(handlers), subprotocol]() mutable {
      self->DoAccept(std::move(request), std::move(handlers), subprotocol);
    });
  }

  void Refuse(unsigned version, Response response) {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), version,
                                    response = std::move(response)]() mutable {
      auto res = std::make_shared<detail::BeastResponse>(
          detail::ToBeast(std::move(response), version, false, "livedrop"));
      bhttp::async_write(self->ws_.next_layer(), *res, [self, res](beast::error_code, std::size_t) {
        beast::error_code ec;
        beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                             ec);
        beast::get_lowest_layer(self->ws_).close();
        self->Finish(kCloseAbnormal);
      });
    });
  }

 private:
  enum class State { kPending, kHandshaking, kOpen, kClosing, kDone };

  void DoAccept(detail::BeastRequest request, WebSocketHandlers handlers,
                const std::string& subprotocol) {
    handlers_ = std::move(handlers);
    state_ = State::kHandshaking;
    const auto& o = server_->options;
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
    if (o.socket_send_buffer_bytes > 0) {
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().set_option(
          asio::socket_base::send_buffer_size(o.socket_send_buffer_bytes), ignored);
    }
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = o.handshake_timeout;
    timeouts.idle_timeout = o.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& res) {
      res.set(bhttp::field::server, "livedrop");
      if (!subprotocol.empty()) res.set(bhttp::field::sec_websocket_protocol, subprotocol);
    }));
    ws_.read_message_max(o.max_message_bytes);
    auto req = std::make_shared<detail::BeastRequest>(std::move(request));
    ws_.async_accept(*req, [self = this->shared_from_this(), req](beast::error_code ec) {
      self->OnAccepted(ec);
    });
  }

  void OnAccepted(beast::error_code ec) {
    if (ec) return Finish(kCloseAbnormal);
    if (state_ == State::kClosing) return SendCloseFrame();  // Close() came during the handshake
    state_ = State::kOpen;
    Read();
    if (!queue_.empty()) Write();
  }

  void Enqueue(Queued frame) {
    if (state_ == State::kClosing || state_ == State::kDone) return Drop(*frame.text);
    queue_.push_back(std::move(frame));
    if (state_ == State::kOpen && !writing_) Write();
  }

  void Write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front().text),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      self->OnWritten(ec);
                    });
  }

  void OnWritten(beast::error_code ec) {
    writing_ = false;
    const auto sent_at = queue_.front().sent_at;
    Drop(*queue_.front().text);
    queue_.pop_front();
    if (ec) return HardClose();
    if (server_->options.on_frame_written) {
      server_->options.on_frame_written(std::chrono::steady_clock::now() - sent_at);
    }
    if (state_ == State::kClosing) return SendCloseFrame();
    if (!queue_.empty()) return Write();
    auto drained = std::move(drained_);
    drained_.clear();
    for (auto& callback : drained) callback();
  }

  void Drop(const std::string& text) {
    queued_bytes_ -= text.size();
    --queued_messages_;
  }

  void Read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(beast::error_code ec) {
    if (ec) {
      if (ec == websocket::error::closed) return Finish(ws_.reason().code);
      if (ec == websocket::error::message_too_big) close_code_ = 1009;
      return Finish(close_code_ ? close_code_ : kCloseAbnormal);
    }
    if (ws_.got_text() && handlers_.on_message) {
      handlers_.on_message(beast::buffers_to_string(buffer_.data()));
    }
    buffer_.consume(buffer_.size());
    Read();
  }

  void BeginClose(int code, const std::string& reason) {
    if (state_ == State::kDone) return;
    close_code_ = code;
    close_reason_ = reason;
    // What has not started to go out is dropped; what is being written finishes first.
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      Drop(*queue_.back().text);
      queue_.pop_back();
    }
    const State was = state_;
    state_ = State::kClosing;
    close_timer_.expires_after(server_->options.close_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->HardClose();  // a stalled client never lets the close frame out
    });
    if (was == State::kPending) return HardClose();
    if (was == State::kOpen && !writing_) SendCloseFrame();
  }

  void SendCloseFrame() {
    websocket::close_reason reason(static_cast<std::uint16_t>(close_code_));
    reason.reason = close_reason_;
    ws_.async_close(reason,
                    [self = this->shared_from_this()](beast::error_code) { self->HardClose(); });
  }

  void HardClose() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    Finish(close_code_ ? close_code_ : kCloseAbnormal);
  }

  void Finish(int code) {
    closing_ = true;
    if (state_ == State::kDone) return;
    state_ = State::kDone;
    close_timer_.cancel();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    drained_.clear();
    if (handlers_.on_closed) handlers_.on_closed(code);
    handlers_ = {};  // the application's handlers often hold this session
  }

  std::shared_ptr<WebSocketServer::Impl> server_;
  websocket::stream<Stream> ws_;
  asio::steady_timer close_timer_;
  beast::flat_buffer buffer_;
  WebSocketHandlers handlers_;
  std::deque<Queued> queue_;
  std::vector<std::function<void()>> drained_;  // WhenDrained callbacks waiting for the queue
  std::atomic<std::size_t> queued_bytes_{0}, queued_messages_{0};
  std::atomic<bool> closing_{false};
  State state_ = State::kPending;
  bool writing_ = false;
  int close_code_ = 0;
  std::string close_reason_;
};

template <class Stream>
class PendingUpgrade final : public UpgradeRequest {
 public:
  PendingUpgrade(std::shared_ptr<WsSession<Stream>> session, detail::BeastRequest beast_request,
                 Request request)
      : session_(std::move(session)),
        beast_request_(std::move(beast_request)),
        request_(std::move(request)) {}

  ~PendingUpgrade() override {
    if (!decided_.exchange(true)) {
      spdlog::error("a WebSocket upgrade was neither accepted nor refused; closing it");
      session_->Close(kCloseAbnormal, "");
    }
  }

  const Request& request() const override { return request_; }

  std::shared_ptr<WebSocket> Accept(WebSocketHandlers handlers,
                                    const std::string& subprotocol) override {
    if (decided_.exchange(true)) throw std::logic_error("upgrade already decided");
    session_->Accept(std::move(beast_request_), std::move(handlers), subprotocol);
    return session_;
  }

  void Refuse(Response response) override {
    if (decided_.exchange(true)) throw std::logic_error("upgrade already decided");
    session_->Refuse(beast_request_.version(), std::move(response));
  }

 private:
  std::shared_ptr<WsSession<Stream>> session_;
  detail::BeastRequest beast_request_;
  Request request_;
  std::atomic<bool> decided_{false};
};

template <class Stream>
void TakeOver(const std::shared_ptr<WebSocketServer::Impl>& server, Stream stream,
              detail::BeastRequest request) {
  beast::error_code ec;
  const auto endpoint = beast::get_lowest_layer(stream).socket().remote_endpoint(ec);
  const std::string remote = ec ? "" : endpoint.address().to_string();
  auto session = std::make_shared<WsSession<Stream>>(server, std::move(stream));
  server->sessions.Add(session);
  detail::BeastRequest copy = request;
  auto pending = std::make_shared<PendingUpgrade<Stream>>(session, std::move(request),
                                                          detail::ToRequest(copy, remote));
  if (!websocket::is_upgrade(copy)) {
    pending->Refuse(Response::Text(400, "not a WebSocket upgrade\n"));
    return;
  }
  try {
    server->handler(pending);
  } catch (const std::exception& e) {
    spdlog::error("WebSocket upgrade handler failed: {}", e.what());
  }
}

}  // namespace

WebSocketServer::WebSocketServer(Server& server, WebSocketOptions options, UpgradeHandler handler)
    : impl_(std::make_shared<Impl>()) {
  impl_->options = options;
  impl_->handler = std::move(handler);
  detail::UpgradeHooks hooks;
  std::weak_ptr<Impl> weak = impl_;
  hooks.plain = [weak](detail::PlainStream stream, detail::BeastRequest req, beast::flat_buffer) {
    if (auto impl = weak.lock()) TakeOver(impl, std::move(stream), std::move(req));
  };
  hooks.tls = [weak](detail::TlsStream stream, detail::BeastRequest req, beast::flat_buffer) {
    if (auto impl = weak.lock()) TakeOver(impl, std::move(stream), std::move(req));
  };
  SetUpgradeHooks(server, std::move(hooks));
}

WebSocketServer::~WebSocketServer() = default;

void WebSocketServer::CloseAll(int code, const std::string& reason,
                               std::chrono::milliseconds wait) {
  for (auto& s : impl_->sessions.Open()) s->Close(code, reason);
  impl_->sessions.WaitEmpty(wait);
}

std::size_t WebSocketServer::open_connections() const { return impl_->sessions.size(); }

}  // namespace livedrop::http
