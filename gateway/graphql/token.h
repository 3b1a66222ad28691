#pragma once

#include <string>

#include "graphql/ast.h"

namespace livedrop::graphql {

enum class TokenKind {
  kSof,
  kEof,
  kBang,
  kDollar,
  kAmp,
  kParenL,
  kParenR,
  kSpread,
  kColon,
  kEquals,
  kAt,
  kBracketL,
  kBracketR,
  kBraceL,
  kPipe,
  kBraceR,
  kName,
  kInt,
  kFloat,
  kString,
  kBlockString,
};

struct Token {
  TokenKind kind = TokenKind::kSof;
  std::string value;  // names and numbers as written, strings cooked
  Location loc;
};

// How graphql-js names a token in messages: "<EOF>", "\"{\"", "Name \"foo\"".
std::string Describe(TokenKind kind);
std::string Describe(const Token& token);

}  // namespace livedrop::graphql
