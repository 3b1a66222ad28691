#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace livedrop::e2e {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

std::string HttpResult::Header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpResult HttpClient::Request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) const {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));  // as signed URLs name it
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(socket, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  bhttp::read(socket, buffer, parser);
  const auto& res = parser.get();
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(c));
    out.headers[name] = std::string(field.value());
  }
  out.body = res.body();
  beast::error_code ec;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

HttpResult HttpClient::Get(const std::string& target, const std::string& bearer) const {
  std::map<std::string, std::string> headers;
  if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
  return Request("GET", target, "", headers);
}

HttpResult HttpClient::PostJson(const std::string& target, const std::string& json,
                                const std::string& bearer) const {
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
  if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
  return Request("POST", target, json, headers);
}

}  // namespace livedrop::e2e
