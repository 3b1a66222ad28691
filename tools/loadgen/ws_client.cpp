#include "ws_client.h"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <stdexcept>
#include <thread>

namespace livedrop::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

double MsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

}  // namespace

struct WsFleet::Impl {
  struct Connection;

  WsFleetOptions options;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  tcp::resolver::results_type endpoints;
  std::vector<std::shared_ptr<Connection>> connections;
  std::function<bool(std::string_view)> is_ready;

  std::atomic<std::size_t> next{0};
  std::atomic<long long> ready{0}, failed{0}, matched{0}, opened{0}, finished{0};
  // Written once before `watching` is set, read only after seeing it set.
  std::vector<std::string> needles;
  std::vector<bool> counted;  // empty: every connection counts
  std::atomic<bool> watching{false};

  explicit Impl(WsFleetOptions o) : options(std::move(o)) {
    asio::io_context resolver_io;
    tcp::resolver resolver(resolver_io);
    beast::error_code ec;
    endpoints = resolver.resolve(options.host, std::to_string(options.port), ec);
    if (ec) throw std::runtime_error("resolve " + options.host + ": " + ec.message());
    const int n = std::max(1, options.threads);
    for (int i = 0; i < n; ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
      guards.push_back(asio::make_work_guard(*contexts.back()));
    }
    for (auto& io : contexts) threads.emplace_back([ctx = io.get()] { ctx->run(); });
  }

  void Stop() {
    for (auto& g : guards) g.reset();
    for (auto& io : contexts) io->stop();
    for (auto& t : threads) t.join();
    threads.clear();
  }

  void LaunchNext();

  struct Connection : std::enable_shared_from_this<Connection> {
    Connection(Impl& f, asio::io_context& io, std::size_t i, std::string t)
        : fleet(f), index(i), ws(io), token(std::move(t)) {}

    Impl& fleet;
    std::size_t index;
    websocket::stream<beast::tcp_stream> ws;
    std::string token;
    beast::flat_buffer buffer;
    websocket::response_type response;
    SteadyClock::time_point started;
    WsConnectionState state;
    bool slot_released = false, matched = false, closing = false, ended = false;
    std::shared_ptr<std::promise<double>> pong;
    SteadyClock::time_point ping_sent;

    void Start() {
      state.opened = true;
      ++fleet.opened;
      started = SteadyClock::now();
      beast::get_lowest_layer(ws).expires_after(fleet.options.handshake_timeout);
      beast::get_lowest_layer(ws).async_connect(
          fleet.endpoints,
          [self = shared_from_this()](beast::error_code ec, const auto&) { self->OnConnect(ec); });
    }

    void OnConnect(beast::error_code ec) {
      if (ec) return Fail("connect: " + ec.message());
      beast::error_code ignored;
      beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true), ignored);
      beast::get_lowest_layer(ws).expires_never();
      websocket::stream_base::timeout timeouts{};
      timeouts.handshake_timeout = fleet.options.handshake_timeout;
      timeouts.idle_timeout = websocket::stream_base::none();
      timeouts.keep_alive_pings = false;
      ws.set_option(timeouts);
      ws.read_message_max(1 << 20);
      ws.set_option(websocket::stream_base::decorator([token = token](websocket::request_type& r) {
        r.set(beast::http::field::authorization, "Bearer " + token);
        r.set(beast::http::field::user_agent, "livedrop-loadgen");
      }));
      ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
        if (kind != websocket::frame_type::pong || !pong) return;
        pong->set_value(MsSince(ping_sent));
        pong.reset();
      });
      const std::string host = fleet.options.host + ":" + std::to_string(fleet.options.port);
      ws.async_handshake(
          response, host, fleet.options.target,
          [self = shared_from_this()](beast::error_code e) { self->OnHandshake(e); });
    }

    void OnHandshake(beast::error_code ec) {
      if (ec == websocket::error::upgrade_declined) {
        return Fail("upgrade refused: HTTP " + std::to_string(response.result_int()));
      }
      if (ec) return Fail("handshake: " + ec.message());
      Read();
    }

    void Read() {
      ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->OnRead(ec);
      });
    }

    void OnRead(beast::error_code ec) {
      const auto received = Now();  // first, so parsing never counts as delivery delay
      if (ec) {
        if (closing) return End();
        if (ec == websocket::error::closed) {
          const auto& r = ws.reason();
          return Fail(
              "closed by the server: code " + std::to_string(r.code) +
              (r.reason.empty() ? "" : " " + std::string(r.reason.data(), r.reason.size())));
        }
        return Fail("read: " + ec.message());
      }
      std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      if (!state.ready && fleet.is_ready && fleet.is_ready(text)) {
        state.ready = true;
        state.ready_ms = MsSince(started);
        ++fleet.ready;
        ReleaseSlot();
      }
      if (!matched && fleet.watching.load(std::memory_order_acquire)) {
        bool all = true;
        for (const auto& n : fleet.needles) all = all && text.find(n) != std::string::npos;
        if (all) {
          matched = true;
          if (fleet.counted.empty() || (index < fleet.counted.size() && fleet.counted[index])) {
            ++fleet.matched;
          }
        }
      }
      state.frames.push_back({received, std::move(text)});
      Read();
    }

    void Fail(std::string why) {
      if (!state.failure.empty()) return;
      state.failure = std::move(why);
      ++fleet.failed;
      ReleaseSlot();
      End();
      beast::error_code ignored;
      beast::get_lowest_layer(ws).socket().close(ignored);
    }

    void End() {
      if (ended) return;
      ended = true;
      ++fleet.finished;
    }

    // The opening window moves on once this connection is ready or failed.
    void ReleaseSlot() {
      if (slot_released) return;
      slot_released = true;
      fleet.LaunchNext();
    }

    void Close() {
      closing = true;
      if (ended) return;
      if (!ws.is_open()) {
        // Still connecting or handshaking: cancel it.
        beast::get_lowest_layer(ws).cancel();
        return End();
      }
      ws.async_close(websocket::close_code::normal,
                     [self = shared_from_this()](beast::error_code) { self->End(); });
    }
  };
};

void WsFleet::Impl::LaunchNext() {
  const auto i = next++;
  if (i >= connections.size()) return;
  auto& c = connections[i];
  asio::post(c->ws.get_executor(), [c] { c->Start(); });
}

WsFleet::WsFleet(WsFleetOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

WsFleet::~WsFleet() {
  if (!impl_->threads.empty()) impl_->Stop();
}

void WsFleet::Open(const std::vector<std::string>& tokens, int concurrency,
                   std::function<bool(std::string_view)> is_ready,
                   std::chrono::milliseconds timeout) {
  auto& f = *impl_;
  f.is_ready = std::move(is_ready);
  f.connections.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    f.connections.push_back(
        std::make_shared<Impl::Connection>(f, *f.contexts[i % f.contexts.size()], i, tokens[i]));
  }
  for (int i = 0; i < std::max(1, concurrency); ++i) f.LaunchNext();
  const auto deadline = SteadyClock::now() + timeout;
  const auto total = static_cast<long long>(tokens.size());
  while (f.ready + f.failed < total && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  f.next = f.connections.size();  // no more attempts
}

long long WsFleet::ReadyCount() const { return impl_->ready; }
long long WsFleet::FailedCount() const { return impl_->failed; }

void WsFleet::Watch(std::vector<std::string> needles, std::vector<bool> counted) {
  impl_->needles = std::move(needles);
  impl_->counted = std::move(counted);
  impl_->watching.store(true, std::memory_order_release);
}

long long WsFleet::MatchedCount() const { return impl_->matched; }

std::vector<double> WsFleet::PingRoundTrips(int samples, std::chrono::milliseconds timeout) {
  auto& f = *impl_;
  std::vector<double> out;
  if (f.connections.empty()) return out;
  const std::size_t n = f.connections.size();
  const std::size_t stride = std::max<std::size_t>(1, n / static_cast<std::size_t>(samples));
  int unanswered = 0;
  for (int s = 0; s < samples; ++s) {
    auto c =
        f.connections[(static_cast<std::size_t>(s) * stride + static_cast<std::size_t>(s / n)) % n];
    auto promise = std::make_shared<std::promise<double>>();
    auto answer = promise->get_future();
    asio::post(c->ws.get_executor(), [c, promise] {
      if (!c->state.ready || !c->state.failure.empty() || c->closing || c->pong) {
        promise->set_value(-1);
        return;
      }
      c->pong = promise;
      c->ping_sent = SteadyClock::now();
      c->ws.async_ping({}, [c](beast::error_code ec) {
        if (ec && c->pong) {
          c->pong->set_value(-1);
          c->pong.reset();
        }
      });
    });
    if (answer.wait_for(timeout) == std::future_status::ready) {
      const double ms = answer.get();
      if (ms >= 0) out.push_back(ms);
    } else if (++unanswered == 3) {
      break;
    }
  }
  return out;
}

void WsFleet::CloseAll(std::chrono::milliseconds grace) {
  auto& f = *impl_;
  if (f.threads.empty()) return;
  for (auto& c : f.connections) {
    asio::post(c->ws.get_executor(), [c] {
      if (c->state.opened) c->Close();
    });
  }
  const auto deadline = SteadyClock::now() + grace;
  while (f.finished < f.opened && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  f.Stop();
}

std::vector<WsConnectionState> WsFleet::TakeStates() {
  std::vector<WsConnectionState> out;
  out.reserve(impl_->connections.size());
  for (auto& c : impl_->connections) out.push_back(std::move(c->state));
  return out;
}

}  // namespace livedrop::loadgen
