// Lexer and parser for GraphQL documents (specification §2 and §3, October 2021): executable
// definitions and SDL in one grammar. Limits are enforced while lexing and parsing, so a hostile
// document costs at most `max_tokens` tokens of work.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"
#include "graphql/ast.h"
#include "graphql/error.h"

namespace de::graphql {

struct ParseOptions {
  size_t max_tokens = 2'000;  // 0 = unlimited (SDL files); punctuators count, comments do not
  int max_depth = 64;         // nesting of selection sets, lists and objects; 0 = unlimited
};

// A parsed document, or the first syntax error: "Syntax Error: Expected Name, found <EOF>." with
// the location of the offending character, as graphql-js and graphql-core word them. Exceeding a
// limit is also a syntax error at the token where the limit was crossed, e.g.
// "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.".
struct ParseResult {
  Document document;
  bool ok = true;
  GraphQLError error;  // set when !ok; code GRAPHQL_PARSE_FAILED
};

ParseResult Parse(std::string_view source, const ParseOptions& options = {});

// Renders a literal in GraphQL syntax ("[1, 2]", "{a: \"x\"}"); used by introspection's
// defaultValue and by error messages.
std::string PrintValue(const Value& value);

}  // namespace de::graphql
