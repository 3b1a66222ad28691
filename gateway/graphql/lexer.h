#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "graphql/ast.h"
#include "graphql/token.h"

namespace livedrop::graphql {

// A syntax error where it happened; the message carries graphql-js's "Syntax Error: " prefix.
class SyntaxError : public std::runtime_error {
 public:
  SyntaxError(const std::string& message, Location loc)
      : std::runtime_error("Syntax Error: " + message), loc_(loc) {}
  Location loc() const { return loc_; }

 private:
  Location loc_;
};

// Splits a GraphQL source (UTF-8) into tokens, skipping whitespace, commas and comments.
// Throws SyntaxError on malformed input.
class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {}

  Token Next();

 private:
  int CharAt(size_t pos) const;  // the byte at pos, or -1 past the end
  Location LocationAt(size_t pos);
  void SkipIgnored();
  void NewLine(size_t next_line_start);
  [[noreturn]] void Fail(size_t pos, const std::string& message);
  std::string PrintCharAt(size_t pos) const;
  // The source from pos on, `units` UTF-16 code units long (as graphql-js slices its messages).
  std::string SliceUtf16(size_t pos, size_t units) const;
  Token Punctuator(TokenKind kind, size_t length);
  Token ReadName();
  Token ReadNumber();
  size_t ReadDigits(size_t pos);
  Token ReadString();
  Token ReadBlockString();
  size_t ReadEscape(size_t pos, std::string& out);

  std::string_view source_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  // Column memo for the current line, so locating consecutive tokens costs no rescans.
  size_t memo_pos_ = 0;
  int memo_column_ = 1;
};

}  // namespace livedrop::graphql
