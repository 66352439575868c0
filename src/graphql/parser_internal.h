// The recursive-descent parser behind Parse() (parser.h). Internal to graphql/: parser.cc holds
// the token handling, executable definitions, values and types; parser_schema.cc the
// type-system definitions and extensions.
//
// Errors are sticky: the first one (lexical, syntax or limit) is kept, every later check fails
// without replacing it, and each Parse* method returns false as soon as it sees a failure.
//
// Thread safety: one Parser per parse, used by one thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "graphql/ast.h"
#include "graphql/lexer.h"
#include "graphql/parser.h"

namespace de::graphql::internal {

// Nesting is capped here even when ParseOptions::max_depth is 0 (unlimited), so that no document
// can exhaust the stack: each level costs a few small frames.
inline constexpr int kHardMaxDepth = 2000;

// schema, scalar, type, interface, union, enum, input, directive.
bool IsTypeSystemKeyword(std::string_view word);

class Parser {
 public:
  Parser(std::string_view source, const ParseOptions& options);

  ParseResult Run();

 private:
  // ---- tokens (parser.cc) ----
  [[gnu::noinline]] bool Advance();
  const Token& Lookahead();
  bool Peek(TokenKind kind) const { return !failed_ && token_.kind == kind; }
  bool Expect(TokenKind kind) { return Peek(kind) ? Advance() : ExpectFailed(kind); }
  bool ExpectOptional(TokenKind kind);
  bool ExpectKeyword(std::string_view word);
  bool ExpectOptionalKeyword(std::string_view word);
  // Called on the '{' or '[' that opens a level; the caller calls LeaveNesting() when done.
  bool EnterNesting() { return ++depth_ <= max_depth_ || TooDeep(); }
  void LeaveNesting() { --depth_; }

  // Error paths: kept out of line so that the recursive Parse* frames stay small.
  [[gnu::noinline, gnu::cold]] bool Fail(size_t offset, std::string message);
  [[gnu::noinline, gnu::cold]] bool Unexpected(const Token& token);
  bool Unexpected() { return Unexpected(token_); }
  [[gnu::noinline, gnu::cold]] bool ExpectFailed(TokenKind kind);
  [[gnu::noinline, gnu::cold]] bool TooDeep();
  [[gnu::noinline, gnu::cold]] bool TooManyTokens();

  // ---- executable definitions (parser.cc) ----
  bool ParseDocument();
  bool ParseDefinition();
  bool ParseOperationDefinition();
  bool ParseOperationType(OperationType* type);
  bool ParseVariableDefinitions(std::vector<VariableDefinition>* out);
  bool ParseVariableDefinition(VariableDefinition* out);
  bool ParseSelectionSet(std::vector<Selection>* out);
  bool ParseSelection(Selection* out);
  bool ParseField(Selection* out);
  bool ParseFragment(Selection* out);
  bool ParseFragmentDefinition();
  bool ParseFragmentName(std::string* out);
  bool ParseArguments(bool is_const, std::vector<Argument>* out);
  bool ParseArgument(bool is_const, Argument* out);
  bool ParseDirectives(bool is_const, std::vector<Directive>* out);
  bool ParseName(std::string* out);
  bool ParseNamedType(std::string* out, SourceLocation* location = nullptr);

  // ---- values and types (parser.cc) ----
  bool ParseValue(bool is_const, Value* out);
  bool ParseList(bool is_const, Value* out);
  bool ParseObject(bool is_const, Value* out);
  [[gnu::noinline]] bool ParseVariableValue(bool is_const, Value* out);
  bool ParseTypeReference(TypeRef* out);
  [[gnu::noinline]] void WrapNonNull(TypeRef* type);

  // ---- type system (parser_schema.cc) ----
  bool ParseTypeSystemDefinition(std::string_view keyword);
  bool ParseTypeSystemExtension();
  bool ParseDescription(std::string* out);
  bool ParseSchemaDefinition(bool is_extension);
  bool ParseOperationTypeDefinition(RootOperationTypeDefinition* out);
  bool ParseTypeDefinition(TypeDefinitionKind kind, bool is_extension);
  bool ParseTypeBody(TypeDefinition* type);
  bool ParseImplementsInterfaces(std::vector<std::string>* out);
  bool ParseFieldsDefinition(std::vector<FieldDefinition>* out);
  bool ParseFieldDefinition(FieldDefinition* out);
  bool ParseArgumentDefinitions(std::vector<InputValueDefinition>* out);
  bool ParseInputFieldsDefinition(std::vector<InputValueDefinition>* out);
  bool ParseInputValueDefinition(InputValueDefinition* out);
  bool ParseUnionMembers(std::vector<std::string>* out);
  bool ParseEnumValuesDefinition(std::vector<EnumValueDefinition>* out);
  bool ParseEnumValueDefinition(EnumValueDefinition* out);
  bool ParseDirectiveDefinition();
  bool ParseDirectiveLocations(std::vector<std::string>* out);

  // `open Item+ close`, at least one item (graphql-core's `many`), or, when `optional`, none at
  // all if `open` is missing (`optional_many`).
  template <typename T, typename ParseItem>
  bool ParseMany(TokenKind open, TokenKind close, bool optional, std::vector<T>* out,
                 ParseItem parse_item) {
    if (optional && !Peek(open)) return true;
    if (!Expect(open)) return false;
    do {
      if (!parse_item(&out->emplace_back())) return false;
    } while (!ExpectOptional(close));
    return true;
  }

  // `delimiter? Item (delimiter Item)*`.
  template <typename T, typename ParseItem>
  bool ParseDelimited(TokenKind delimiter, std::vector<T>* out, ParseItem parse_item) {
    ExpectOptional(delimiter);
    do {
      if (!parse_item(&out->emplace_back())) return false;
    } while (ExpectOptional(delimiter));
    return true;
  }

  void AddToOrder(Document::DefinitionRef::Kind kind, size_t index) {
    document_.order.push_back({kind, index});
  }

  Lexer lexer_;
  const ParseOptions options_;
  const int max_depth_;
  Token token_;      // the current token; <SOF> before the first Advance()
  Token lookahead_;  // valid when has_lookahead_
  bool has_lookahead_ = false;
  size_t token_count_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  SyntaxError error_;
  Document document_;
};

}  // namespace de::graphql::internal
