#include "graphql/lexer.h"

#include <cstdint>
#include <cstdio>
#include <vector>

namespace livedrop::graphql {
namespace {

bool IsDigit(int c) { return c >= '0' && c <= '9'; }
bool IsNameStart(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameContinue(int c) { return IsNameStart(c) || IsDigit(c); }
int HexValue(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The UTF-8 sequence starting at pos: its code point and length (a lone byte on bad input).
std::pair<uint32_t, size_t> DecodeUtf8(std::string_view s, size_t pos) {
  unsigned char c = s[pos];
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (pos + len > s.size()) return {c, 1};
  if (len == 1) return {c, 1};
  uint32_t cp = c & (0xFF >> (len + 1));
  for (size_t i = 1; i < len; ++i) {
    unsigned char cc = s[pos + i];
    if ((cc & 0xC0) != 0x80) return {c, 1};
    cp = (cp << 6) | (cc & 0x3F);
  }
  return {cp, len};
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsScalarValue(uint32_t cp) { return cp <= 0xD7FF || (cp >= 0xE000 && cp <= 0x10FFFF); }

size_t LeadingWhitespace(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

// The spec's BlockStringValue: common indentation and blank first/last lines removed.
std::string DedentBlockString(const std::vector<std::string>& lines) {
  size_t common = std::string::npos;
  long first = -1, last = -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t indent = LeadingWhitespace(lines[i]);
    if (indent == lines[i].size()) continue;
    if (first < 0) first = static_cast<long>(i);
    last = static_cast<long>(i);
    if (i != 0 && indent < common) common = indent;
  }
  if (first < 0) return "";
  std::string out;
  for (long i = first; i <= last; ++i) {
    const std::string& line = lines[i];
    if (i != first) out += '\n';
    if (i == 0 || common == std::string::npos) {
      out += line;
    } else {
      out += line.size() > common ? line.substr(common) : "";
    }
  }
  return out;
}

}  // namespace

std::string Describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::kSof:
      return "<SOF>";
    case TokenKind::kEof:
      return "<EOF>";
    case TokenKind::kBang:
      return "\"!\"";
    case TokenKind::kDollar:
      return "\"$\"";
    case TokenKind::kAmp:
      return "\"&\"";
    case TokenKind::kParenL:
      return "\"(\"";
    case TokenKind::kParenR:
      return "\")\"";
    case TokenKind::kSpread:
      return "\"...\"";
    case TokenKind::kColon:
      return "\":\"";
    case TokenKind::kEquals:
      return "\"=\"";
    case TokenKind::kAt:
      return "\"@\"";
    case TokenKind::kBracketL:
      return "\"[\"";
    case TokenKind::kBracketR:
      return "\"]\"";
    case TokenKind::kBraceL:
      return "\"{\"";
    case TokenKind::kPipe:
      return "\"|\"";
    case TokenKind::kBraceR:
      return "\"}\"";
    case TokenKind::kName:
      return "Name";
    case TokenKind::kInt:
      return "Int";
    case TokenKind::kFloat:
      return "Float";
    case TokenKind::kString:
      return "String";
    case TokenKind::kBlockString:
      return "BlockString";
  }
  return "?";
}

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kName:
    case TokenKind::kInt:
    case TokenKind::kFloat:
    case TokenKind::kString:
    case TokenKind::kBlockString:
      return Describe(token.kind) + " \"" + token.value + "\"";
    default:
      return Describe(token.kind);
  }
}

int Lexer::CharAt(size_t pos) const {
  return pos < source_.size() ? static_cast<unsigned char>(source_[pos]) : -1;
}

Location Lexer::LocationAt(size_t pos) {
  if (memo_pos_ < line_start_ || memo_pos_ > pos) {
    memo_pos_ = line_start_;
    memo_column_ = 1;
  }
  while (memo_pos_ < pos && memo_pos_ < source_.size()) {
    auto [cp, len] = DecodeUtf8(source_, memo_pos_);
    memo_column_ += cp >= 0x10000 ? 2 : 1;
    memo_pos_ += len;
  }
  return Location{line_, memo_column_};
}

void Lexer::NewLine(size_t next_line_start) {
  ++line_;
  line_start_ = next_line_start;
  memo_pos_ = next_line_start;
  memo_column_ = 1;
}

void Lexer::Fail(size_t pos, const std::string& message) {
  throw SyntaxError(message, LocationAt(pos));
}

std::string Lexer::PrintCharAt(size_t pos) const {
  if (pos >= source_.size()) return "<EOF>";
  auto [cp, len] = DecodeUtf8(source_, pos);
  if (cp >= 0x20 && cp <= 0x7E) {
    return cp == '"' ? "'\"'" : "\"" + std::string(1, static_cast<char>(cp)) + "\"";
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

std::string Lexer::SliceUtf16(size_t pos, size_t units) const {
  size_t end = pos;
  for (size_t n = 0; n < units && end < source_.size(); ++n) {
    auto [cp, len] = DecodeUtf8(source_, end);
    if (cp >= 0x10000) ++n;  // a surrogate pair: kept whole
    end += len;
  }
  return std::string(source_.substr(pos, end - pos));
}

void Lexer::SkipIgnored() {
  while (pos_ < source_.size()) {
    int c = CharAt(pos_);
    if (c == ' ' || c == '\t' || c == ',') {
      ++pos_;
    } else if (c == 0xEF && CharAt(pos_ + 1) == 0xBB && CharAt(pos_ + 2) == 0xBF) {
      pos_ += 3;  // byte order mark
    } else if (c == '\n') {
      ++pos_;
      NewLine(pos_);
    } else if (c == '\r') {
      pos_ += CharAt(pos_ + 1) == '\n' ? 2 : 1;
      NewLine(pos_);
    } else if (c == '#') {
      while (pos_ < source_.size() && CharAt(pos_) != '\n' && CharAt(pos_) != '\r') ++pos_;
    } else {
      return;
    }
  }
}

Token Lexer::Punctuator(TokenKind kind, size_t length) {
  Token t{kind, "", LocationAt(pos_)};
  pos_ += length;
  return t;
}

Token Lexer::Next() {
  SkipIgnored();
  if (pos_ >= source_.size()) return Token{TokenKind::kEof, "", LocationAt(source_.size())};
  int c = CharAt(pos_);
  switch (c) {
    case '!':
      return Punctuator(TokenKind::kBang, 1);
    case '$':
      return Punctuator(TokenKind::kDollar, 1);
    case '&':
      return Punctuator(TokenKind::kAmp, 1);
    case '(':
      return Punctuator(TokenKind::kParenL, 1);
    case ')':
      return Punctuator(TokenKind::kParenR, 1);
    case '.':
      if (CharAt(pos_ + 1) == '.' && CharAt(pos_ + 2) == '.') {
        return Punctuator(TokenKind::kSpread, 3);
      }
      break;
    case ':':
      return Punctuator(TokenKind::kColon, 1);
    case '=':
      return Punctuator(TokenKind::kEquals, 1);
    case '@':
      return Punctuator(TokenKind::kAt, 1);
    case '[':
      return Punctuator(TokenKind::kBracketL, 1);
    case ']':
      return Punctuator(TokenKind::kBracketR, 1);
    case '{':
      return Punctuator(TokenKind::kBraceL, 1);
    case '|':
      return Punctuator(TokenKind::kPipe, 1);
    case '}':
      return Punctuator(TokenKind::kBraceR, 1);
    case '"':
      if (CharAt(pos_ + 1) == '"' && CharAt(pos_ + 2) == '"') return ReadBlockString();
      return ReadString();
    default:
      break;
  }
  if (IsDigit(c) || c == '-') return ReadNumber();
  if (IsNameStart(c)) return ReadName();
  if (c == '\'') {
    Fail(pos_, "Unexpected single quote character ('), did you mean to use a double quote (\")?");
  }
  Fail(pos_, "Unexpected character: " + PrintCharAt(pos_) + ".");
}

Token Lexer::ReadName() {
  size_t start = pos_;
  while (IsNameContinue(CharAt(pos_))) ++pos_;
  return Token{TokenKind::kName, std::string(source_.substr(start, pos_ - start)),
               LocationAt(start)};
}

size_t Lexer::ReadDigits(size_t pos) {
  if (!IsDigit(CharAt(pos))) {
    Fail(pos, "Invalid number, expected digit but got: " + PrintCharAt(pos) + ".");
  }
  while (IsDigit(CharAt(pos))) ++pos;
  return pos;
}

Token Lexer::ReadNumber() {
  size_t start = pos_;
  size_t pos = pos_;
  bool is_float = false;
  if (CharAt(pos) == '-') ++pos;
  if (CharAt(pos) == '0') {
    ++pos;
    if (IsDigit(CharAt(pos))) {
      Fail(pos, "Invalid number, unexpected digit after 0: " + PrintCharAt(pos) + ".");
    }
  } else {
    pos = ReadDigits(pos);
  }
  if (CharAt(pos) == '.') {
    is_float = true;
    pos = ReadDigits(pos + 1);
  }
  if (CharAt(pos) == 'e' || CharAt(pos) == 'E') {
    is_float = true;
    ++pos;
    if (CharAt(pos) == '+' || CharAt(pos) == '-') ++pos;
    pos = ReadDigits(pos);
  }
  if (CharAt(pos) == '.' || IsNameStart(CharAt(pos))) {
    Fail(pos, "Invalid number, expected digit but got: " + PrintCharAt(pos) + ".");
  }
  Location loc = LocationAt(start);
  pos_ = pos;
  return Token{is_float ? TokenKind::kFloat : TokenKind::kInt,
               std::string(source_.substr(start, pos - start)), loc};
}

// Reads the escape at pos (a backslash) into out; returns the position after it.
size_t Lexer::ReadEscape(size_t pos, std::string& out) {
  int c = CharAt(pos + 1);
  switch (c) {
    case '"':
      out += '"';
      return pos + 2;
    case '\\':
      out += '\\';
      return pos + 2;
    case '/':
      out += '/';
      return pos + 2;
    case 'b':
      out += '\b';
      return pos + 2;
    case 'f':
      out += '\f';
      return pos + 2;
    case 'n':
      out += '\n';
      return pos + 2;
    case 'r':
      out += '\r';
      return pos + 2;
    case 't':
      out += '\t';
      return pos + 2;
    case 'u':
      break;
    default:
      Fail(pos, "Invalid character escape sequence: \"" + SliceUtf16(pos, 2) + "\".");
  }
  if (CharAt(pos + 2) == '{') {
    // As graphql-js reads it: up to 12 characters (\u{00000000}), the code point kept in 32
    // signed bits, so that the message shows the same characters.
    int32_t point = 0;
    size_t size = 3;
    while (size < 12) {
      int c = CharAt(pos + size++);
      if (c == '}') {
        if (size < 5 || !IsScalarValue(static_cast<uint32_t>(point))) break;
        AppendUtf8(out, static_cast<uint32_t>(point));
        return pos + size;
      }
      point = static_cast<int32_t>(static_cast<uint32_t>(point) << 4) | HexValue(c);
      if (point < 0) break;
    }
    Fail(pos, "Invalid Unicode escape sequence: \"" + SliceUtf16(pos, size) + "\".");
  }
  auto read4 = [&](size_t at) -> long {
    long v = 0;
    for (size_t i = 0; i < 4; ++i) {
      int h = HexValue(CharAt(at + i));
      if (h < 0) return -1;
      v = (v << 4) | h;
    }
    return v;
  };
  long cp = read4(pos + 2);
  if (cp >= 0 && IsScalarValue(static_cast<uint32_t>(cp))) {
    AppendUtf8(out, static_cast<uint32_t>(cp));
    return pos + 6;
  }
  // A surrogate pair written as two escapes.
  if (cp >= 0xD800 && cp <= 0xDBFF && CharAt(pos + 6) == '\\' && CharAt(pos + 7) == 'u') {
    long low = read4(pos + 8);
    if (low >= 0xDC00 && low <= 0xDFFF) {
      AppendUtf8(out, static_cast<uint32_t>(0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)));
      return pos + 12;
    }
  }
  Fail(pos, "Invalid Unicode escape sequence: \"" + SliceUtf16(pos, 6) + "\".");
}

Token Lexer::ReadString() {
  size_t start = pos_;
  Location loc = LocationAt(start);
  size_t pos = pos_ + 1;
  std::string value;
  while (pos < source_.size()) {
    int c = CharAt(pos);
    if (c == '"') {
      pos_ = pos + 1;
      return Token{TokenKind::kString, std::move(value), loc};
    }
    if (c == '\\') {
      pos = ReadEscape(pos, value);
      continue;
    }
    if (c == '\n' || c == '\r') break;
    auto [cp, len] = DecodeUtf8(source_, pos);
    value.append(source_.substr(pos, len));
    pos += len;
  }
  Fail(pos, "Unterminated string.");
}

Token Lexer::ReadBlockString() {
  Location loc = LocationAt(pos_);
  size_t pos = pos_ + 3;
  std::vector<std::string> lines;
  std::string line;
  while (pos < source_.size()) {
    int c = CharAt(pos);
    if (c == '"' && CharAt(pos + 1) == '"' && CharAt(pos + 2) == '"') {
      lines.push_back(std::move(line));
      pos_ = pos + 3;
      return Token{TokenKind::kBlockString, DedentBlockString(lines), loc};
    }
    if (c == '\\' && CharAt(pos + 1) == '"' && CharAt(pos + 2) == '"' && CharAt(pos + 3) == '"') {
      line += "\"\"\"";
      pos += 4;
      continue;
    }
    if (c == '\n' || c == '\r') {
      lines.push_back(std::move(line));
      line.clear();
      pos += (c == '\r' && CharAt(pos + 1) == '\n') ? 2 : 1;
      NewLine(pos);
      continue;
    }
    auto [cp, len] = DecodeUtf8(source_, pos);
    line.append(source_.substr(pos, len));
    pos += len;
  }
  Fail(pos, "Unterminated string.");
}

}  // namespace livedrop::graphql
