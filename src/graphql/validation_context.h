// Internal to validation (validation*.cc): the state shared by the rules of §5 while one document
// is validated, the type helpers they share, and the entry points of the rules that live in their
// own files. Not thread-safe: one context per
// Validate() call.
//
// Messages follow graphql-core 3.2 (the reference implementation the tests compare against):
// names in single quotes ('Query'), directive locations in lower case ("may not be used on
// query"). graphql-js words them the same with double quotes and upper-case locations.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graphql/ast.h"
#include "graphql/error.h"
#include "graphql/inspect.h"
#include "graphql/schema.h"

namespace de::graphql::validation {

// ---- Wording (Quoted, DidYouMean and SuggestionList come from inspect.h) -------------------

// SuggestionList over owned names.
std::vector<std::string> Suggest(std::string_view input, const std::vector<std::string>& options);

// ---- Types ---------------------------------------------------------------------------------

bool IsNonNull(const Type* type);
bool IsList(const Type* type);
const Type* Nullable(const Type* type);  // strips one non-null wrapper
const Type* NamedOf(const Type* type);   // nullptr stays nullptr
bool IsComposite(const Type* type);      // object, interface or union (not wrapped)
bool IsOutput(const Type* type);         // anything but an input object, under the wrappers
bool IsInputType(const Type* type);      // scalar, enum or input object, under the wrappers
bool IsLeafType(const Type* type);       // scalar or enum (not wrapped)
// §5.8.5's "is sub type of" for variable usages: same named type, non-null may stand for
// nullable, lists item by item.
bool IsTypeSubTypeOf(const Type* sub, const Type* super);

// ---- Locations the AST does not record -----------------------------------------------------
//
// The AST keeps the location of each node's first token only. graphql-core points some errors at
// a name or a selection set inside a node; these derive that position assuming the usual layout
// (one space between keywords, `...Name`, `... on Type`, `{` one space after the field).

SourceLocation OperationNameLocation(const OperationDefinition& operation);
SourceLocation FragmentNameLocation(const FragmentDefinition& fragment);
SourceLocation SpreadNameLocation(const Selection& spread);
SourceLocation InlineTypeConditionLocation(const Selection& inline_fragment);
SourceLocation SelectionSetLocation(const Selection& field);
SourceLocation VariableNameLocation(const VariableDefinition& definition);

// ---- The context ---------------------------------------------------------------------------

// Where a variable is used and what the position expects (TypeInfo's input type there).
struct VariableUsage {
  const Value* node = nullptr;
  const Type* type = nullptr;         // nullptr when the position's type is unknown
  bool location_has_default = false;  // the argument or input field has a default value
};

// Directives known to the rules: the schema's plus `directive @x` definitions in the document.
struct KnownDirective {
  std::vector<std::string> locations;                         // "FIELD", "QUERY", ...
  std::vector<std::string> arguments;                         // names, in definition order
  std::vector<std::pair<std::string, std::string>> required;  // name, type as written
  bool repeatable = false;
};

class ValidationContext {
 public:
  ValidationContext(const Schema& schema, const Document& document, size_t max_errors);
  ValidationContext(const ValidationContext&) = delete;
  ValidationContext& operator=(const ValidationContext&) = delete;

  const Schema& schema() const { return schema_; }
  const Document& document() const { return document_; }

  // Adds an error (code GRAPHQL_VALIDATION_FAILED). Past max_errors, adds graphql-core's
  // "Too many validation errors" error once and sets aborted(); later reports are dropped.
  void Report(std::string message, std::vector<SourceLocation> locations);
  bool aborted() const { return aborted_; }
  std::vector<GraphQLError> TakeErrors() { return std::move(errors_); }

  // The last fragment definition of that name (as graphql-core's lookup), or nullptr.
  const FragmentDefinition* FindFragment(std::string_view name) const;
  // A field of `parent` including the meta-fields; nullptr when none or parent is nullptr.
  const Field* FieldDef(const Type* parent, std::string_view name) const;
  const KnownDirective* FindDirective(std::string_view name) const;
  // Names of the schema's types and the document's type definitions (for suggestions).
  const std::vector<std::string>& TypeNames() const { return type_names_; }
  // A type of the schema or a type definition of the document (KnownTypeNames).
  bool IsKnownTypeName(std::string_view name) const;

  // The spreads inside a selection set (not following fragments), in graphql-core's order: the
  // set's own spreads first, then nested selection sets last-to-first.
  const std::vector<const Selection*>& FragmentSpreads(const std::vector<Selection>& set);
  // Fragments reachable from the operation, in graphql-core's order.
  const std::vector<const FragmentDefinition*>& ReferencedFragments(
      const OperationDefinition& operation);
  // Variable usages of the operation (not its variable definitions), then of its fragments.
  const std::vector<VariableUsage>& RecursiveVariableUsages(const OperationDefinition& operation);

 private:
  const Schema& schema_;
  const Document& document_;
  size_t max_errors_;
  bool aborted_ = false;
  std::vector<GraphQLError> errors_;
  std::map<std::string, const FragmentDefinition*, std::less<>> fragments_;
  std::map<std::string, KnownDirective, std::less<>> directives_;
  std::vector<std::string> type_names_;
  std::set<std::string, std::less<>> document_types_;
  std::unordered_map<const std::vector<Selection>*, std::vector<const Selection*>> spreads_;
  std::unordered_map<const OperationDefinition*, std::vector<const FragmentDefinition*>>
      referenced_;
  std::unordered_map<const void*, std::vector<VariableUsage>> usages_;  // by op or fragment
  std::unordered_map<const OperationDefinition*, std::vector<VariableUsage>> recursive_usages_;
};

// The definition of a directive's argument as graphql-core's TypeInfo sees it: the schema
// directive's, else (an unknown or document-defined directive) the enclosing field's.
const InputValue* DirectiveArgument(const ValidationContext& context, const Directive& directive,
                                    std::string_view argument, const Field* enclosing_field);

// ---- Rules in their own files --------------------------------------------------------------

// ValuesOfCorrectType and UniqueInputFieldNames for one literal at a position of `input_type`
// (nullptr: unknown, only uniqueness is checked). validation_values.cc
void CheckValue(ValidationContext& context, const Value& value, const Type* input_type);

// The usages of variables in a selection set and in directives, with TypeInfo's types.
// validation_values.cc
std::vector<VariableUsage> CollectVariableUsages(const ValidationContext& context,
                                                 const OperationDefinition& operation);
std::vector<VariableUsage> CollectVariableUsages(const ValidationContext& context,
                                                 const FragmentDefinition& fragment);

// NoUndefinedVariables, NoUnusedVariables, VariablesInAllowedPosition, when leaving an operation.
// validation_values.cc
void CheckVariablesOnLeave(ValidationContext& context, const OperationDefinition& operation);

// NoFragmentCycles, on entering a fragment definition. validation_fragments.cc
class FragmentCycleDetector {
 public:
  void Enter(ValidationContext& context, const FragmentDefinition& fragment);

 private:
  void Detect(ValidationContext& context, const FragmentDefinition& fragment);
  std::set<std::string, std::less<>> visited_;
  std::vector<const Selection*> spread_path_;
  std::map<std::string, size_t, std::less<>> path_index_;
};

// NoUnusedFragments, on leaving the document. validation_fragments.cc
void CheckUnusedFragments(ValidationContext& context);

// MaxIntrospectionDepthRule (in graphql-core's specified rules): true when a __schema/__type field
// nests `fields`/`interfaces`/`possibleTypes`/`inputFields` three deep. validation_fragments.cc
bool IntrospectionTooDeep(ValidationContext& context, const Selection& field);

// OverlappingFieldsCanBeMerged, on entering each selection set. validation_overlap.cc
class OverlapChecker {
 public:
  explicit OverlapChecker(ValidationContext& context);
  ~OverlapChecker();
  void EnterSelectionSet(const Type* parent_type, const std::vector<Selection>& selections);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The rules that apply to type-system definitions found in a request: known type names, known
// and unique directives and their arguments. Interface and union member names are not checked
// (the AST has no location for them). validation_sdl.cc
class TypeSystemChecker {
 public:
  void Visit(ValidationContext& context, const Document::DefinitionRef& ref);

 private:
  using SeenDirectives = std::map<std::string, SourceLocation, std::less<>>;
  void VisitType(ValidationContext& context, const TypeDefinition& type);
  void VisitInputValue(ValidationContext& context, const InputValueDefinition& value,
                       std::string_view location);
  SeenDirectives schema_directives_;                                    // schema and its extensions
  std::map<std::string, SeenDirectives, std::less<>> type_directives_;  // a type and extensions
};

// KnownDirectives, KnownArgumentNames, UniqueArgumentNames, ValuesOfCorrectType and
// ProvidedRequiredArguments for directives at `location` ("FIELD", ...); `enclosing_field` types
// the arguments of unknown directives, as graphql-core's TypeInfo does. validation.cc
void VisitDirectives(ValidationContext& context, const std::vector<Directive>& directives,
                     std::string_view location, const Field* enclosing_field);
// UniqueDirectivesPerLocation for one node's directives; `seen` carries names across nodes that
// share a location (a type and its extensions), else pass an empty map.
void CheckUniqueDirectives(ValidationContext& context, const std::vector<Directive>& directives,
                           std::map<std::string, SourceLocation, std::less<>>& seen);
// UniqueArgumentNames for one field's or directive's arguments.
void CheckUniqueArguments(ValidationContext& context, const std::vector<Argument>& arguments);
// KnownTypeNames for a type reference (its innermost named type); `sdl` allows the standard
// scalars and introspection types.
void CheckTypeRef(ValidationContext& context, const TypeRef& ref, bool sdl);

}  // namespace de::graphql::validation
