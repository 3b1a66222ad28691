#include "graphql/parser.h"

#include <functional>

#include "graphql/error_codes.h"
#include "graphql/lexer.h"

namespace livedrop::graphql {
namespace {

using ast::TypeDefinitionKind;

bool IsDirectiveLocation(const std::string& name) {
  static const char* const kLocations[] = {"QUERY",
                                           "MUTATION",
                                           "SUBSCRIPTION",
                                           "FIELD",
                                           "FRAGMENT_DEFINITION",
                                           "FRAGMENT_SPREAD",
                                           "INLINE_FRAGMENT",
                                           "VARIABLE_DEFINITION",
                                           "SCHEMA",
                                           "SCALAR",
                                           "OBJECT",
                                           "FIELD_DEFINITION",
                                           "ARGUMENT_DEFINITION",
                                           "INTERFACE",
                                           "UNION",
                                           "ENUM",
                                           "ENUM_VALUE",
                                           "INPUT_OBJECT",
                                           "INPUT_FIELD_DEFINITION"};
  for (const char* location : kLocations) {
    if (name == location) return true;
  }
  return false;
}

// Recursive descent over the grammar of the October 2021 specification, with graphql-js's
// error wording. Every recursion goes through DepthGuard, so nesting is bounded.
class Parser {
 public:
  Parser(std::string_view source, const ParseLimits& limits) : lexer_(source), limits_(limits) {
    token_ = lexer_.Next();
    CountToken();
  }

  ast::Document ParseDocument() {
    ast::Document doc;
    if (Peek(TokenKind::kEof)) Unexpected(token_);
    while (!Peek(TokenKind::kEof)) ParseDefinition(doc);
    return doc;
  }

 private:
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > p_.limits_.max_depth) {
        throw SyntaxError("Document nesting is deeper than " +
                              std::to_string(p_.limits_.max_depth) + " levels. Parsing aborted.",
                          p_.token_.loc);
      }
    }
    ~DepthGuard() { --p_.depth_; }

   private:
    Parser& p_;
  };

  void CountToken() {
    if (token_.kind != TokenKind::kEof && ++tokens_ > limits_.max_tokens) {
      throw SyntaxError("Document contains more than " + std::to_string(limits_.max_tokens) +
                            " tokens. Parsing aborted.",
                        token_.loc);
    }
  }

  Token Advance() {
    Token t = std::move(token_);
    if (lookahead_) {
      token_ = std::move(*lookahead_);
      lookahead_.reset();
    } else {
      token_ = lexer_.Next();
    }
    CountToken();
    return t;
  }

  const Token& Lookahead() {
    if (!lookahead_) lookahead_ = lexer_.Next();
    return *lookahead_;
  }

  bool Peek(TokenKind kind) const { return token_.kind == kind; }
  bool PeekKeyword(const char* word) const {
    return token_.kind == TokenKind::kName && token_.value == word;
  }

  [[noreturn]] void Unexpected(const Token& token) {
    throw SyntaxError("Unexpected " + Describe(token) + ".", token.loc);
  }

  Token Expect(TokenKind kind) {
    if (token_.kind == kind) return Advance();
    throw SyntaxError("Expected " + Describe(kind) + ", found " + Describe(token_) + ".",
                      token_.loc);
  }

  bool ExpectOptional(TokenKind kind) {
    if (token_.kind != kind) return false;
    Advance();
    return true;
  }

  void ExpectKeyword(const char* word) {
    if (PeekKeyword(word)) {
      Advance();
      return;
    }
    throw SyntaxError(std::string("Expected \"") + word + "\", found " + Describe(token_) + ".",
                      token_.loc);
  }

  bool ExpectOptionalKeyword(const char* word) {
    if (!PeekKeyword(word)) return false;
    Advance();
    return true;
  }

  // open item+ close
  void Many(TokenKind open, TokenKind close, const std::function<void()>& item) {
    Expect(open);
    do {
      item();
    } while (!ExpectOptional(close));
  }
  // (open item+ close)?
  void OptionalMany(TokenKind open, TokenKind close, const std::function<void()>& item) {
    if (!ExpectOptional(open)) return;
    do {
      item();
    } while (!ExpectOptional(close));
  }
  // open item* close
  void Any(TokenKind open, TokenKind close, const std::function<void()>& item) {
    Expect(open);
    while (!ExpectOptional(close)) item();
  }

  std::string ParseName() { return Expect(TokenKind::kName).value; }

  void ParseDefinition(ast::Document& doc) {
    if (Peek(TokenKind::kBraceL)) {
      doc.operations.push_back(ParseOperation());
      return;
    }
    bool has_description = Peek(TokenKind::kString) || Peek(TokenKind::kBlockString);
    const Token& keyword = has_description ? Lookahead() : token_;
    if (keyword.kind == TokenKind::kName) {
      const std::string word = keyword.value;
      if (word == "schema") {
        doc.schemas.push_back(ParseSchemaDefinition(false));
        doc.non_executable.push_back({"", doc.schemas.back().loc});
        return;
      }
      if (std::optional<TypeDefinitionKind> kind = TypeKeyword(word)) {
        doc.types.push_back(ParseTypeDefinition(*kind, false));
        doc.non_executable.push_back({doc.types.back().name, doc.types.back().loc});
        return;
      }
      if (word == "directive") {
        doc.directives.push_back(ParseDirectiveDefinition());
        doc.non_executable.push_back({doc.directives.back().name, doc.directives.back().loc});
        return;
      }
      if (has_description) {
        throw SyntaxError(
            "Unexpected description, descriptions are supported only on type definitions.",
            token_.loc);
      }
      if (word == "query" || word == "mutation" || word == "subscription") {
        doc.operations.push_back(ParseOperation());
        return;
      }
      if (word == "fragment") {
        doc.fragments.push_back(ParseFragmentDefinition());
        return;
      }
      if (word == "extend") {
        ParseExtension(doc);
        return;
      }
    }
    Unexpected(keyword);
  }

  static std::optional<TypeDefinitionKind> TypeKeyword(const std::string& word) {
    if (word == "scalar") return TypeDefinitionKind::kScalar;
    if (word == "type") return TypeDefinitionKind::kObject;
    if (word == "interface") return TypeDefinitionKind::kInterface;
    if (word == "union") return TypeDefinitionKind::kUnion;
    if (word == "enum") return TypeDefinitionKind::kEnum;
    if (word == "input") return TypeDefinitionKind::kInputObject;
    return std::nullopt;
  }

  void ParseExtension(ast::Document& doc) {
    const Token& keyword = Lookahead();
    if (keyword.kind == TokenKind::kName) {
      if (keyword.value == "schema") {
        doc.schemas.push_back(ParseSchemaDefinition(true));
        doc.non_executable.push_back({"", doc.schemas.back().loc});
        return;
      }
      if (std::optional<TypeDefinitionKind> kind = TypeKeyword(keyword.value)) {
        doc.types.push_back(ParseTypeDefinition(*kind, true));
        doc.non_executable.push_back({doc.types.back().name, doc.types.back().loc});
        return;
      }
    }
    Unexpected(keyword);
  }

  ast::OperationDefinition ParseOperation() {
    ast::OperationDefinition op;
    op.loc = token_.loc;
    if (Peek(TokenKind::kBraceL)) {
      op.selection_set = ParseSelectionSet();
      return op;
    }
    op.operation = ParseOperationType();
    if (Peek(TokenKind::kName)) {
      op.name_loc = token_.loc;
      op.name = ParseName();
    }
    OptionalMany(TokenKind::kParenL, TokenKind::kParenR,
                 [&] { op.variables.push_back(ParseVariableDefinition()); });
    op.directives = ParseDirectives(false);
    op.selection_set = ParseSelectionSet();
    return op;
  }

  ast::OperationType ParseOperationType() {
    Token t = Expect(TokenKind::kName);
    if (t.value == "query") return ast::OperationType::kQuery;
    if (t.value == "mutation") return ast::OperationType::kMutation;
    if (t.value == "subscription") return ast::OperationType::kSubscription;
    Unexpected(t);
  }

  ast::VariableDefinition ParseVariableDefinition() {
    ast::VariableDefinition var;
    var.loc = token_.loc;
    Expect(TokenKind::kDollar);
    var.name_loc = token_.loc;
    var.name = ParseName();
    Expect(TokenKind::kColon);
    var.type = ParseTypeReference();
    if (ExpectOptional(TokenKind::kEquals)) var.default_value = ParseValue(true);
    var.directives = ParseDirectives(true);
    return var;
  }

  ast::SelectionSet ParseSelectionSet() {
    DepthGuard guard(*this);
    ast::SelectionSet set;
    set.loc = token_.loc;
    Many(TokenKind::kBraceL, TokenKind::kBraceR,
         [&] { set.selections.push_back(ParseSelection()); });
    return set;
  }

  ast::Selection ParseSelection() {
    ast::Selection sel;
    sel.loc = token_.loc;
    if (ExpectOptional(TokenKind::kSpread)) {
      bool has_type_condition = false;
      if (PeekKeyword("on")) {
        Advance();
        has_type_condition = true;
      }
      if (!has_type_condition && Peek(TokenKind::kName)) {
        sel.kind = ast::SelectionKind::kFragmentSpread;
        sel.name_loc = token_.loc;
        sel.name = ParseName();
        sel.directives = ParseDirectives(false);
        return sel;
      }
      sel.kind = ast::SelectionKind::kInlineFragment;
      if (has_type_condition) {
        sel.type_condition_loc = token_.loc;
        sel.type_condition = ParseName();
      }
      sel.directives = ParseDirectives(false);
      sel.has_selection_set = true;
      sel.selection_set = ParseSelectionSet();
      return sel;
    }
    sel.kind = ast::SelectionKind::kField;
    std::string name_or_alias = ParseName();
    sel.name_loc = sel.loc;
    if (ExpectOptional(TokenKind::kColon)) {
      sel.alias = std::move(name_or_alias);
      sel.name_loc = token_.loc;
      sel.name = ParseName();
    } else {
      sel.name = std::move(name_or_alias);
    }
    sel.arguments = ParseArguments(false);
    sel.directives = ParseDirectives(false);
    if (Peek(TokenKind::kBraceL)) {
      sel.has_selection_set = true;
      sel.selection_set = ParseSelectionSet();
    }
    return sel;
  }

  std::vector<ast::Argument> ParseArguments(bool is_const) {
    std::vector<ast::Argument> args;
    OptionalMany(TokenKind::kParenL, TokenKind::kParenR, [&] {
      ast::Argument arg;
      arg.loc = token_.loc;
      arg.name = ParseName();
      Expect(TokenKind::kColon);
      arg.value = ParseValue(is_const);
      args.push_back(std::move(arg));
    });
    return args;
  }

  std::vector<ast::Directive> ParseDirectives(bool is_const) {
    std::vector<ast::Directive> directives;
    while (Peek(TokenKind::kAt)) {
      ast::Directive d;
      d.loc = token_.loc;
      Advance();
      d.name = ParseName();
      d.arguments = ParseArguments(is_const);
      directives.push_back(std::move(d));
    }
    return directives;
  }

  std::string ParseFragmentName() {
    if (PeekKeyword("on")) Unexpected(token_);
    return ParseName();
  }

  ast::FragmentDefinition ParseFragmentDefinition() {
    ast::FragmentDefinition frag;
    frag.loc = token_.loc;
    ExpectKeyword("fragment");
    frag.name_loc = token_.loc;
    frag.name = ParseFragmentName();
    ExpectKeyword("on");
    frag.type_condition_loc = token_.loc;
    frag.type_condition = ParseName();
    frag.directives = ParseDirectives(false);
    frag.selection_set = ParseSelectionSet();
    return frag;
  }

  ast::Value ParseValue(bool is_const) {
    ast::Value v;
    v.loc = token_.loc;
    switch (token_.kind) {
      case TokenKind::kBracketL: {
        DepthGuard guard(*this);
        v.kind = ast::ValueKind::kList;
        Any(TokenKind::kBracketL, TokenKind::kBracketR,
            [&] { v.list.push_back(ParseValue(is_const)); });
        return v;
      }
      case TokenKind::kBraceL: {
        DepthGuard guard(*this);
        v.kind = ast::ValueKind::kObject;
        Any(TokenKind::kBraceL, TokenKind::kBraceR, [&] {
          ast::ObjectField field;
          field.loc = token_.loc;
          field.name = ParseName();
          Expect(TokenKind::kColon);
          field.value = ParseValue(is_const);
          v.fields.push_back(std::move(field));
        });
        return v;
      }
      case TokenKind::kInt:
        v.kind = ast::ValueKind::kInt;
        v.text = Advance().value;
        return v;
      case TokenKind::kFloat:
        v.kind = ast::ValueKind::kFloat;
        v.text = Advance().value;
        return v;
      case TokenKind::kString:
      case TokenKind::kBlockString:
        v.kind = ast::ValueKind::kString;
        v.block = Peek(TokenKind::kBlockString);
        v.text = Advance().value;
        return v;
      case TokenKind::kName:
        v.text = Advance().value;
        if (v.text == "true" || v.text == "false") {
          v.kind = ast::ValueKind::kBoolean;
        } else if (v.text == "null") {
          v.kind = ast::ValueKind::kNull;
        } else {
          v.kind = ast::ValueKind::kEnum;
        }
        return v;
      case TokenKind::kDollar:
        if (is_const) {
          Token dollar = Advance();
          if (Peek(TokenKind::kName)) {
            throw SyntaxError("Unexpected variable \"$" + token_.value + "\" in constant value.",
                              v.loc);
          }
          Unexpected(dollar);
        }
        Advance();
        v.kind = ast::ValueKind::kVariable;
        v.text = ParseName();
        return v;
      default:
        Unexpected(token_);
    }
  }

  ast::TypeRef ParseTypeReference() {
    Location loc = token_.loc;
    ast::TypeRef type;
    if (ExpectOptional(TokenKind::kBracketL)) {
      DepthGuard guard(*this);
      ast::TypeRef inner = ParseTypeReference();
      Expect(TokenKind::kBracketR);
      type = ast::TypeRef::ListOf(std::move(inner));
    } else {
      type = ast::TypeRef::Named(ParseName());
    }
    type.loc = loc;
    if (ExpectOptional(TokenKind::kBang)) {
      type = ast::TypeRef::NonNullOf(std::move(type));
      type.loc = loc;
    }
    return type;
  }

  // The type system definition language.

  std::optional<std::string> ParseDescription() {
    if (Peek(TokenKind::kString) || Peek(TokenKind::kBlockString)) return Advance().value;
    return std::nullopt;
  }

  ast::SchemaDefinition ParseSchemaDefinition(bool extension) {
    ast::SchemaDefinition schema;
    schema.loc = token_.loc;
    schema.extension = extension;
    if (extension) {
      ExpectKeyword("extend");
    } else {
      schema.description = ParseDescription();
    }
    ExpectKeyword("schema");
    schema.directives = ParseDirectives(true);
    auto root = [&] {
      ast::OperationType op = ParseOperationType();
      Expect(TokenKind::kColon);
      schema.root_types.emplace_back(op, ParseName());
    };
    if (extension) {
      OptionalMany(TokenKind::kBraceL, TokenKind::kBraceR, root);
      if (schema.directives.empty() && schema.root_types.empty()) Unexpected(token_);
    } else {
      Many(TokenKind::kBraceL, TokenKind::kBraceR, root);
    }
    return schema;
  }

  ast::TypeDefinition ParseTypeDefinition(TypeDefinitionKind kind, bool extension) {
    static const char* const kKeywords[] = {"scalar", "type", "interface",
                                            "union",  "enum", "input"};
    ast::TypeDefinition type;
    type.kind = kind;
    type.extension = extension;
    type.loc = token_.loc;
    if (extension) {
      ExpectKeyword("extend");
    } else {
      type.description = ParseDescription();
    }
    ExpectKeyword(kKeywords[static_cast<int>(kind)]);
    type.name = ParseName();
    switch (kind) {
      case TypeDefinitionKind::kScalar:
        type.directives = ParseDirectives(true);
        break;
      case TypeDefinitionKind::kObject:
      case TypeDefinitionKind::kInterface:
        if (ExpectOptionalKeyword("implements")) {
          ExpectOptional(TokenKind::kAmp);
          do {
            type.interfaces.push_back(ParseName());
          } while (ExpectOptional(TokenKind::kAmp));
        }
        type.directives = ParseDirectives(true);
        OptionalMany(TokenKind::kBraceL, TokenKind::kBraceR,
                     [&] { type.fields.push_back(ParseFieldDefinition()); });
        break;
      case TypeDefinitionKind::kUnion:
        type.directives = ParseDirectives(true);
        if (ExpectOptional(TokenKind::kEquals)) {
          ExpectOptional(TokenKind::kPipe);
          do {
            type.union_members.push_back(ParseName());
          } while (ExpectOptional(TokenKind::kPipe));
        }
        break;
      case TypeDefinitionKind::kEnum:
        type.directives = ParseDirectives(true);
        OptionalMany(TokenKind::kBraceL, TokenKind::kBraceR, [&] {
          ast::EnumValueDefinition value;
          value.description = ParseDescription();
          value.loc = token_.loc;
          if (PeekKeyword("true") || PeekKeyword("false") || PeekKeyword("null")) {
            throw SyntaxError(
                Describe(token_) + " is reserved and cannot be used for an enum value.",
                token_.loc);
          }
          value.name = ParseName();
          value.directives = ParseDirectives(true);
          type.enum_values.push_back(std::move(value));
        });
        break;
      case TypeDefinitionKind::kInputObject:
        type.directives = ParseDirectives(true);
        OptionalMany(TokenKind::kBraceL, TokenKind::kBraceR,
                     [&] { type.input_fields.push_back(ParseInputValueDefinition()); });
        break;
    }
    if (extension && type.interfaces.empty() && type.directives.empty() && type.fields.empty() &&
        type.union_members.empty() && type.enum_values.empty() && type.input_fields.empty()) {
      Unexpected(token_);
    }
    return type;
  }

  ast::FieldDefinition ParseFieldDefinition() {
    ast::FieldDefinition field;
    field.description = ParseDescription();
    field.loc = token_.loc;
    field.name = ParseName();
    field.arguments = ParseArgumentDefinitions();
    Expect(TokenKind::kColon);
    field.type = ParseTypeReference();
    field.directives = ParseDirectives(true);
    return field;
  }

  std::vector<ast::InputValueDefinition> ParseArgumentDefinitions() {
    std::vector<ast::InputValueDefinition> args;
    OptionalMany(TokenKind::kParenL, TokenKind::kParenR,
                 [&] { args.push_back(ParseInputValueDefinition()); });
    return args;
  }

  ast::InputValueDefinition ParseInputValueDefinition() {
    ast::InputValueDefinition value;
    value.description = ParseDescription();
    value.loc = token_.loc;
    value.name = ParseName();
    Expect(TokenKind::kColon);
    value.type = ParseTypeReference();
    if (ExpectOptional(TokenKind::kEquals)) value.default_value = ParseValue(true);
    value.directives = ParseDirectives(true);
    return value;
  }

  ast::DirectiveDefinition ParseDirectiveDefinition() {
    ast::DirectiveDefinition d;
    d.loc = token_.loc;
    d.description = ParseDescription();
    ExpectKeyword("directive");
    Expect(TokenKind::kAt);
    d.name = ParseName();
    d.arguments = ParseArgumentDefinitions();
    d.repeatable = ExpectOptionalKeyword("repeatable");
    ExpectKeyword("on");
    ExpectOptional(TokenKind::kPipe);
    do {
      Token t = Expect(TokenKind::kName);
      if (!IsDirectiveLocation(t.value)) Unexpected(t);
      d.locations.push_back(t.value);
    } while (ExpectOptional(TokenKind::kPipe));
    return d;
  }

  Lexer lexer_;
  const ParseLimits& limits_;
  Token token_;
  std::optional<Token> lookahead_;
  size_t tokens_ = 0;
  int depth_ = 0;
};

}  // namespace

ParseResult Parse(std::string_view source, const ParseLimits& limits) {
  ParseResult result;
  if (source.size() > limits.max_bytes) {
    result.error = GraphQLError{
        "Document is larger than the limit of " + std::to_string(limits.max_bytes) + " bytes.",
        {},
        {},
        codes::kParseFailed};
    return result;
  }
  try {
    Parser parser(source, limits);
    result.document = std::make_shared<const ast::Document>(parser.ParseDocument());
  } catch (const SyntaxError& e) {
    result.error = GraphQLError{e.what(), {e.loc()}, {}, codes::kParseFailed};
  }
  return result;
}

}  // namespace livedrop::graphql
