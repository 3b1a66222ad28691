#pragma once

#include <memory>

namespace livedrop::testing {

// A TCP forwarder on a free loopback port to 127.0.0.1:<upstream_port>, whose open connections
// a test can cut at any moment: a network fault or a crashed peer, as the client sees it (its
// socket is reset under a call), while the server behind it keeps running.
class TcpProxy {
 public:
  explicit TcpProxy(int upstream_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int Port() const;
  // Resets every connection open now; new ones are accepted and forwarded as before.
  void CutAll();
  int Accepted() const;  // connections accepted so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::testing
