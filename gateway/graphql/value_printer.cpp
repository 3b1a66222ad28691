#include "graphql/value_printer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace livedrop::graphql {
namespace json = boost::json;
namespace {

// /^-?(?:0|[1-9][0-9]*)$/: an ID that astFromValue prints as an Int.
bool IsIntegerText(const std::string& s) {
  size_t i = s.starts_with('-') ? 1 : 0;
  if (i >= s.size()) return false;
  if (s[i] == '0') return i + 1 == s.size();
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::string PrintNumber(double number) {
  if (std::isnan(number)) return "NaN";
  if (std::isinf(number)) return number > 0 ? "Infinity" : "-Infinity";
  if (number == std::floor(number) && std::fabs(number) < 1e21) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", number);
    return std::string(buf) == "-0" ? "0" : buf;
  }
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, number);
    if (std::strtod(buf, nullptr) == number) break;
  }
  // JavaScript writes exponents as e+21 / e-7, without leading zeros.
  std::string out = buf;
  size_t e = out.find('e');
  if (e != std::string::npos) {
    std::string mantissa = out.substr(0, e);
    char sign = out[e + 1];
    std::string digits = out.substr(e + 2);
    while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
    out = mantissa + "e" + sign + digits;
  }
  return out;
}

std::string PrintString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    char buf[8];
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned char>(text[i + 1]));
      out += buf;
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool IsPrintableAsBlockString(std::string_view value) {
  if (value.empty()) return true;
  bool is_empty_line = true;
  bool has_indent = false;
  bool has_common_indent = true;
  bool seen_non_empty_line = false;
  for (unsigned char c : value) {
    switch (c) {
      case 0x00:
      case 0x01:
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x05:
      case 0x06:
      case 0x07:
      case 0x08:
      case 0x0B:
      case 0x0C:
      case 0x0E:
      case 0x0F:
      case 0x10:
      case 0x11:
      case 0x12:
      case 0x13:
      case 0x14:
      case 0x15:
      case 0x16:
      case 0x17:
      case 0x18:
      case 0x19:
      case 0x1A:
      case 0x1B:
      case 0x1C:
      case 0x1D:
      case 0x1E:
      case 0x1F:
        return false;
      case '\r':
        return false;
      case '\n':
        if (is_empty_line && !seen_non_empty_line) return false;
        seen_non_empty_line = true;
        is_empty_line = true;
        has_indent = false;
        break;
      case '\t':
      case ' ':
        has_indent = has_indent || is_empty_line;
        break;
      default:
        has_common_indent = has_common_indent && has_indent;
        is_empty_line = false;
    }
  }
  if (is_empty_line) return false;
  if (has_common_indent && seen_non_empty_line) return false;
  return true;
}

std::string PrintBlockString(std::string_view value) {
  std::string escaped;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 3) == "\"\"\"") {
      escaped += "\\\"\"\"";
      i += 2;
    } else {
      escaped += value[i];
    }
  }
  std::vector<std::string> lines;
  {
    std::string line;
    for (size_t i = 0; i < escaped.size(); ++i) {
      char c = escaped[i];
      if (c == '\r' || c == '\n') {
        lines.push_back(line);
        line.clear();
        if (c == '\r' && i + 1 < escaped.size() && escaped[i + 1] == '\n') ++i;
      } else {
        line += c;
      }
    }
    lines.push_back(line);
  }
  auto is_white = [](char c) { return c == ' ' || c == '\t'; };
  bool single_line = lines.size() == 1;
  bool force_leading_newline = lines.size() > 1;
  for (size_t i = 1; i < lines.size() && force_leading_newline; ++i) {
    force_leading_newline = lines[i].empty() || is_white(lines[i][0]);
  }
  bool has_trailing_triple_quotes = escaped.size() >= 4 && escaped.ends_with("\\\"\"\"");
  bool has_trailing_quote = !value.empty() && value.back() == '"' && !has_trailing_triple_quotes;
  bool has_trailing_slash = !value.empty() && value.back() == '\\';
  bool force_trailing_newline = has_trailing_quote || has_trailing_slash;
  // JavaScript counts UTF-16 units; close enough for the 70-column heuristic on UTF-8 text.
  bool multiple_lines = !single_line || value.size() > 70 || force_trailing_newline ||
                        force_leading_newline || has_trailing_triple_quotes;
  std::string result;
  bool skip_leading_newline = single_line && !value.empty() && is_white(value[0]);
  if ((multiple_lines && !skip_leading_newline) || force_leading_newline) result += '\n';
  result += escaped;
  if (multiple_lines || force_trailing_newline) result += '\n';
  return "\"\"\"" + result + "\"\"\"";
}

std::string PrintLiteral(const ast::Value& v) {
  switch (v.kind) {
    case ast::ValueKind::kVariable:
      return "$" + v.text;
    case ast::ValueKind::kInt:
    case ast::ValueKind::kFloat:
    case ast::ValueKind::kBoolean:
    case ast::ValueKind::kEnum:
      return v.text;
    case ast::ValueKind::kNull:
      return "null";
    case ast::ValueKind::kString:
      return v.block ? PrintBlockString(v.text) : PrintString(v.text);
    case ast::ValueKind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) out += ", ";
        out += PrintLiteral(v.list[i]);
      }
      return out + "]";
    }
    case ast::ValueKind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < v.fields.size(); ++i) {
        if (i) out += ", ";
        out += v.fields[i].name + ": " + PrintLiteral(v.fields[i].value);
      }
      return out + "}";
    }
  }
  return "";
}

std::string PrintValue(const json::value& value, const TypeRef& type, const Schema& schema) {
  if (value.is_null()) return "null";
  const TypeRef& t = type.Nullable();
  if (t.IsList()) {
    if (!value.is_array()) return PrintValue(value, *t.of, schema);
    std::string out = "[";
    bool first = true;
    for (const json::value& item : value.as_array()) {
      if (!first) out += ", ";
      first = false;
      out += PrintValue(item, *t.of, schema);
    }
    return out + "]";
  }
  const NamedType* named = schema.FindType(t.name);
  if (named && named->kind == TypeKind::kInputObject && value.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const InputValue& field : named->input_fields) {
      auto it = value.as_object().find(field.name);
      if (it == value.as_object().end()) continue;
      if (!first) out += ", ";
      first = false;
      out += field.name + ": " + PrintValue(it->value(), field.type, schema);
    }
    return out + "}";
  }
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  if (value.is_double()) return PrintNumber(value.as_double());
  if (value.is_string()) {
    std::string s(value.as_string());
    if (named && named->kind == TypeKind::kEnum) return s;
    if (t.name == "ID" && IsIntegerText(s)) return s;
    return PrintString(s);
  }
  if (value.is_array()) {
    std::string out = "[";
    bool first = true;
    for (const json::value& item : value.as_array()) {
      if (!first) out += ", ";
      first = false;
      out += PrintValue(item, t, schema);
    }
    return out + "]";
  }
  if (value.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const auto& kv : value.as_object()) {
      if (!first) out += ", ";
      first = false;
      out += std::string(kv.key()) + ": " + PrintValue(kv.value(), t, schema);
    }
    return out + "}";
  }
  return "null";
}

}  // namespace livedrop::graphql
