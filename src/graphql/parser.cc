// Parse(): token handling, executable definitions (§2), values and type references. The shape
// and the error wording follow graphql-js/graphql-core so that clients see familiar messages;
// the nesting limit is ours.
#include "graphql/parser.h"

#include <cassert>
#include <utility>

#include <fmt/format.h>

#include "graphql/parser_internal.h"

namespace de::graphql {

ParseResult Parse(std::string_view source, const ParseOptions& options) {
  return internal::Parser(source, options).Run();
}

namespace internal {
namespace {

int EffectiveMaxDepth(int requested) {
  return requested <= 0 || requested > kHardMaxDepth ? kHardMaxDepth : requested;
}

}  // namespace

Parser::Parser(std::string_view source, const ParseOptions& options)
    : lexer_(source), options_(options), max_depth_(EffectiveMaxDepth(options.max_depth)) {}

ParseResult Parser::Run() {
  ParseResult result;
  bool ok = ParseDocument();
  assert(ok != failed_);
  if (ok && !failed_) {
    result.document = std::move(document_);
    return result;
  }
  result.ok = false;
  result.error.message = "Syntax Error: " + error_.message;
  result.error.locations.push_back(lexer_.LocationOf(error_.offset));
  result.error.code = "GRAPHQL_PARSE_FAILED";
  return result;
}

// ---- tokens ----------------------------------------------------------------------------------

bool Parser::Fail(size_t offset, std::string message) {
  if (!failed_) {
    failed_ = true;
    error_ = SyntaxError{offset, std::move(message)};
  }
  return false;
}

bool Parser::Unexpected(const Token& token) {
  return Fail(token.start, fmt::format("Unexpected {}.", DescribeToken(token)));
}

// Moves to the next token other than a comment, counting it against max_tokens as graphql-core
// does: every token the parser steps onto except <EOF>.
bool Parser::Advance() {
  if (failed_) return false;
  if (has_lookahead_) {
    std::swap(token_, lookahead_);
    has_lookahead_ = false;
  } else {
    do {
      if (!lexer_.Next(&token_)) return Fail(lexer_.error().offset, lexer_.error().message);
    } while (token_.kind == TokenKind::kComment);
  }
  if (token_.kind != TokenKind::kEndOfFile && options_.max_tokens > 0 &&
      ++token_count_ > options_.max_tokens) {
    return TooManyTokens();
  }
  return true;
}

// The token after the current one, lexed once and kept for Advance(). On a lexical error the
// parse has failed and the returned token is <EOF>.
const Token& Parser::Lookahead() {
  if (has_lookahead_ || failed_) return lookahead_;
  do {
    if (!lexer_.Next(&lookahead_)) {
      Fail(lexer_.error().offset, lexer_.error().message);
      lookahead_.kind = TokenKind::kEndOfFile;
      return lookahead_;
    }
  } while (lookahead_.kind == TokenKind::kComment);
  has_lookahead_ = true;
  return lookahead_;
}

bool Parser::ExpectFailed(TokenKind kind) {
  if (failed_) return false;
  return Fail(token_.start, fmt::format("Expected {}, found {}.", TokenKindDescription(kind),
                                        DescribeToken(token_)));
}

bool Parser::ExpectOptional(TokenKind kind) {
  if (!Peek(kind)) return false;
  Advance();
  return true;
}

bool Parser::ExpectKeyword(std::string_view word) {
  if (failed_) return false;
  if (token_.kind == TokenKind::kName && token_.raw == word) return Advance();
  return Fail(token_.start, fmt::format("Expected '{}', found {}.", word, DescribeToken(token_)));
}

bool Parser::ExpectOptionalKeyword(std::string_view word) {
  if (!Peek(TokenKind::kName) || token_.raw != word) return false;
  Advance();
  return true;
}

bool Parser::TooDeep() {
  return Fail(token_.start,
              fmt::format("Document exceeds the maximum nesting depth of {}.", max_depth_));
}

bool Parser::TooManyTokens() {
  return Fail(token_.start, fmt::format("Document contains more than {} tokens. Parsing aborted.",
                                        options_.max_tokens));
}

bool Parser::ParseName(std::string* out) {
  if (!Peek(TokenKind::kName)) return Expect(TokenKind::kName);
  out->assign(token_.raw);
  return Advance();
}

bool Parser::ParseNamedType(std::string* out, SourceLocation* location) {
  if (location != nullptr) *location = token_.location;
  return ParseName(out);
}

// ---- executable definitions ------------------------------------------------------------------

bool Parser::ParseDocument() {
  if (!Advance()) return false;  // <SOF> -> the first token
  do {
    if (!ParseDefinition()) return false;
  } while (!ExpectOptional(TokenKind::kEndOfFile));
  return !failed_;
}

bool Parser::ParseDefinition() {
  if (Peek(TokenKind::kBraceL)) return ParseOperationDefinition();
  // A description can only start a type-system definition; look past it for the keyword.
  const bool has_description = Peek(TokenKind::kString) || Peek(TokenKind::kBlockString);
  const Token& keyword = has_description ? Lookahead() : token_;
  if (failed_) return false;
  if (keyword.kind == TokenKind::kName) {
    const std::string_view word = keyword.raw;
    if (IsTypeSystemKeyword(word)) return ParseTypeSystemDefinition(word);
    if (has_description) {
      return Fail(token_.start,
                  "Unexpected description, descriptions are supported only on type definitions.");
    }
    if (word == "query" || word == "mutation" || word == "subscription") {
      return ParseOperationDefinition();
    }
    if (word == "fragment") return ParseFragmentDefinition();
    if (word == "extend") return ParseTypeSystemExtension();
  }
  return Unexpected(keyword);
}

bool Parser::ParseOperationDefinition() {
  OperationDefinition op;
  op.location = token_.location;
  if (!Peek(TokenKind::kBraceL)) {
    if (!ParseOperationType(&op.type)) return false;
    if (Peek(TokenKind::kName) && !ParseName(&op.name)) return false;
    if (!ParseVariableDefinitions(&op.variables) || !ParseDirectives(false, &op.directives)) {
      return false;
    }
  }
  if (!ParseSelectionSet(&op.selection_set)) return false;
  document_.operations.push_back(std::move(op));
  AddToOrder(Document::DefinitionRef::Kind::kOperation, document_.operations.size() - 1);
  return true;
}

bool Parser::ParseOperationType(OperationType* type) {
  if (!Peek(TokenKind::kName)) return Expect(TokenKind::kName);
  const std::string_view word = token_.raw;
  const size_t start = token_.start;
  if (!Advance()) return false;
  if (word == "query") {
    *type = OperationType::kQuery;
  } else if (word == "mutation") {
    *type = OperationType::kMutation;
  } else if (word == "subscription") {
    *type = OperationType::kSubscription;
  } else {
    return Fail(start, fmt::format("Unexpected Name '{}'.", word));
  }
  return true;
}

bool Parser::ParseVariableDefinitions(std::vector<VariableDefinition>* out) {
  return ParseMany(TokenKind::kParenL, TokenKind::kParenR, /*optional=*/true, out,
                   [this](VariableDefinition* v) { return ParseVariableDefinition(v); });
}

bool Parser::ParseVariableDefinition(VariableDefinition* out) {
  out->location = token_.location;
  if (!Expect(TokenKind::kDollar) || !ParseName(&out->name) || !Expect(TokenKind::kColon) ||
      !ParseTypeReference(&out->type)) {
    return false;
  }
  if (ExpectOptional(TokenKind::kEquals) && !ParseValue(true, &out->default_value.emplace())) {
    return false;
  }
  return ParseDirectives(true, &out->directives);
}

bool Parser::ParseSelectionSet(std::vector<Selection>* out) {
  if (!Peek(TokenKind::kBraceL)) return Expect(TokenKind::kBraceL);
  if (!EnterNesting()) return false;
  bool ok = ParseMany(TokenKind::kBraceL, TokenKind::kBraceR, /*optional=*/false, out,
                      [this](Selection* s) { return ParseSelection(s); });
  LeaveNesting();
  return ok;
}

bool Parser::ParseSelection(Selection* out) {
  out->location = token_.location;
  return Peek(TokenKind::kSpread) ? ParseFragment(out) : ParseField(out);
}

bool Parser::ParseField(Selection* out) {
  out->kind = SelectionKind::kField;
  if (!ParseName(&out->name)) return false;
  if (ExpectOptional(TokenKind::kColon)) {
    out->alias = std::move(out->name);
    if (!ParseName(&out->name)) return false;
  }
  if (!ParseArguments(false, &out->arguments) || !ParseDirectives(false, &out->directives)) {
    return false;
  }
  return !Peek(TokenKind::kBraceL) || ParseSelectionSet(&out->selection_set);
}

// `...Name @dir` or `... on Type @dir { }` or `... @dir { }`.
bool Parser::ParseFragment(Selection* out) {
  if (!Expect(TokenKind::kSpread)) return false;
  const bool has_type_condition = ExpectOptionalKeyword("on");
  if (!has_type_condition && Peek(TokenKind::kName)) {
    out->kind = SelectionKind::kFragmentSpread;
    return ParseFragmentName(&out->name) && ParseDirectives(false, &out->directives);
  }
  out->kind = SelectionKind::kInlineFragment;
  if (has_type_condition && !ParseNamedType(&out->type_condition)) return false;
  return ParseDirectives(false, &out->directives) && ParseSelectionSet(&out->selection_set);
}

bool Parser::ParseFragmentDefinition() {
  FragmentDefinition fragment;
  fragment.location = token_.location;
  if (!ExpectKeyword("fragment") || !ParseFragmentName(&fragment.name) || !ExpectKeyword("on") ||
      !ParseNamedType(&fragment.type_condition, &fragment.type_condition_location) ||
      !ParseDirectives(false, &fragment.directives) ||
      !ParseSelectionSet(&fragment.selection_set)) {
    return false;
  }
  document_.fragments.push_back(std::move(fragment));
  AddToOrder(Document::DefinitionRef::Kind::kFragment, document_.fragments.size() - 1);
  return true;
}

// FragmentName: Name but not `on`.
bool Parser::ParseFragmentName(std::string* out) {
  if (!failed_ && token_.HasValue() && token_.Value() == "on") return Unexpected();
  return ParseName(out);
}

bool Parser::ParseArguments(bool is_const, std::vector<Argument>* out) {
  return ParseMany(TokenKind::kParenL, TokenKind::kParenR, /*optional=*/true, out,
                   [this, is_const](Argument* a) { return ParseArgument(is_const, a); });
}

bool Parser::ParseArgument(bool is_const, Argument* out) {
  out->location = token_.location;
  return ParseName(&out->name) && Expect(TokenKind::kColon) && ParseValue(is_const, &out->value);
}

bool Parser::ParseDirectives(bool is_const, std::vector<Directive>* out) {
  while (Peek(TokenKind::kAt)) {
    Directive& directive = out->emplace_back();
    directive.location = token_.location;
    if (!Advance() || !ParseName(&directive.name) ||
        !ParseArguments(is_const, &directive.arguments)) {
      return false;
    }
  }
  return !failed_;
}

// ---- values and types ------------------------------------------------------------------------

bool Parser::ParseValue(bool is_const, Value* out) {
  if (failed_) return false;
  out->location = token_.location;
  switch (token_.kind) {
    case TokenKind::kBracketL:
      return ParseList(is_const, out);
    case TokenKind::kBraceL:
      return ParseObject(is_const, out);
    case TokenKind::kInt:
    case TokenKind::kFloat:
      out->kind = token_.kind == TokenKind::kInt ? ValueKind::kInt : ValueKind::kFloat;
      out->text.assign(token_.raw);
      return Advance();
    case TokenKind::kString:
    case TokenKind::kBlockString:
      out->kind = ValueKind::kString;
      out->text = std::move(token_.value);
      return Advance();
    case TokenKind::kName:
      if (token_.raw == "true" || token_.raw == "false") {
        out->kind = ValueKind::kBoolean;
        out->boolean = token_.raw == "true";
      } else if (token_.raw == "null") {
        out->kind = ValueKind::kNull;
      } else {
        out->kind = ValueKind::kEnum;
        out->text.assign(token_.raw);
      }
      return Advance();
    case TokenKind::kDollar:
      return ParseVariableValue(is_const, out);
    default:
      return Unexpected();
  }
}

bool Parser::ParseList(bool is_const, Value* out) {
  out->kind = ValueKind::kList;
  if (!EnterNesting()) return false;
  bool ok = Advance();
  while (ok && !ExpectOptional(TokenKind::kBracketR)) {
    ok = ParseValue(is_const, &out->list.emplace_back());
  }
  LeaveNesting();
  return ok && !failed_;
}

bool Parser::ParseObject(bool is_const, Value* out) {
  out->kind = ValueKind::kObject;
  if (!EnterNesting()) return false;
  bool ok = Advance();
  while (ok && !ExpectOptional(TokenKind::kBraceR)) {
    ObjectField& field = out->fields.emplace_back();
    field.location = token_.location;
    ok = ParseName(&field.name) && Expect(TokenKind::kColon) && ParseValue(is_const, &field.value);
  }
  LeaveNesting();
  return ok && !failed_;
}

bool Parser::ParseVariableValue(bool is_const, Value* out) {
  if (is_const) {
    const size_t dollar = token_.start;
    if (!Advance()) return false;
    if (Peek(TokenKind::kName)) {
      return Fail(dollar, fmt::format("Unexpected variable '${}' in constant value.", token_.raw));
    }
    return Fail(dollar, "Unexpected '$'.");
  }
  out->kind = ValueKind::kVariable;
  return Advance() && ParseName(&out->text);
}

// Type: Name | [Type] | Type!
bool Parser::ParseTypeReference(TypeRef* out) {
  out->location = token_.location;
  if (Peek(TokenKind::kBracketL)) {
    if (!EnterNesting()) return false;
    out->kind = TypeRef::Kind::kList;
    bool ok = Advance() && ParseTypeReference(&out->of_type.emplace_back()) &&
              Expect(TokenKind::kBracketR);
    LeaveNesting();
    if (!ok) return false;
  } else {
    out->kind = TypeRef::Kind::kNamed;
    if (!ParseName(&out->name)) return false;
  }
  if (ExpectOptional(TokenKind::kBang)) WrapNonNull(out);
  return !failed_;
}

// T -> T!, in place. Out of line: the temporary would otherwise sit in every recursive frame.
void Parser::WrapNonNull(TypeRef* type) {
  TypeRef inner = std::move(*type);
  *type = TypeRef{};
  type->kind = TypeRef::Kind::kNonNull;
  type->location = inner.location;
  type->of_type.push_back(std::move(inner));
}

}  // namespace internal
}  // namespace de::graphql
