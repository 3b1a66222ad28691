#include "livedrop/pg/arrays.h"

#include <pqxx/pqxx>

namespace livedrop::pg {

std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + '}';
}

std::vector<std::string> TextArray(const pqxx::field& field) {
  std::vector<std::string> out;
  auto parser = field.as_array();
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::juncture::done;
       item = parser.get_next()) {
    if (item.first == pqxx::array_parser::juncture::string_value) {
      out.push_back(std::move(item.second));
    }
  }
  return out;
}

}  // namespace livedrop::pg
