#include "graphql/validation_context.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "graphql/parser.h"

namespace de::graphql::validation {
namespace {

constexpr char kValidationCode[] = "GRAPHQL_VALIDATION_FAILED";

// The column just past a value as PrintValue writes it (the usual layout of short literals).
SourceLocation ValueEnd(const Value& value) {
  return {value.location.line, value.location.column + static_cast<int>(PrintValue(value).size())};
}

// The column just past the last token of a field or directive's arguments: `)`.
SourceLocation ArgumentsEnd(const std::vector<Argument>& arguments) {
  SourceLocation end = ValueEnd(arguments.back().value);
  end.column += 1;
  return end;
}

KnownDirective FromSchema(const DirectiveType& directive) {
  KnownDirective known;
  known.locations = directive.locations;
  known.repeatable = directive.repeatable;
  for (const InputValue& argument : directive.arguments) {
    known.arguments.push_back(argument.name);
    if (IsNonNull(argument.type) && !argument.default_value.has_value()) {
      known.required.emplace_back(argument.name, argument.type->ToString());
    }
  }
  return known;
}

KnownDirective FromDocument(const DirectiveDefinition& definition) {
  KnownDirective known;
  known.locations = definition.locations;
  known.repeatable = definition.repeatable;
  for (const InputValueDefinition& argument : definition.arguments) {
    known.arguments.push_back(argument.name);
    if (argument.type.kind == TypeRef::Kind::kNonNull && !argument.default_value.has_value()) {
      known.required.emplace_back(argument.name, argument.type.ToString());
    }
  }
  return known;
}

}  // namespace

std::vector<std::string> Suggest(std::string_view input, const std::vector<std::string>& options) {
  const std::vector<std::string_view> views(options.begin(), options.end());
  return SuggestionList(input, views);
}

// ---- Types ---------------------------------------------------------------------------------

bool IsNonNull(const Type* type) { return type != nullptr && type->kind == TypeKind::kNonNull; }
bool IsList(const Type* type) { return type != nullptr && type->kind == TypeKind::kList; }
const Type* Nullable(const Type* type) { return IsNonNull(type) ? type->of_type : type; }
const Type* NamedOf(const Type* type) { return type == nullptr ? nullptr : &type->Named(); }

bool IsComposite(const Type* type) {
  return type != nullptr && (type->kind == TypeKind::kObject ||
                             type->kind == TypeKind::kInterface || type->kind == TypeKind::kUnion);
}

bool IsOutput(const Type* type) {
  const Type* named = NamedOf(type);
  return named != nullptr && named->kind != TypeKind::kInputObject;
}

bool IsInputType(const Type* type) {
  const Type* named = NamedOf(type);
  return named != nullptr && (named->IsLeaf() || named->kind == TypeKind::kInputObject);
}

bool IsLeafType(const Type* type) { return type != nullptr && type->IsLeaf(); }

bool IsTypeSubTypeOf(const Type* sub, const Type* super) {
  if (sub == super) return true;
  if (IsNonNull(super)) return IsNonNull(sub) && IsTypeSubTypeOf(sub->of_type, super->of_type);
  if (IsNonNull(sub)) return IsTypeSubTypeOf(sub->of_type, super);
  if (IsList(super)) return IsList(sub) && IsTypeSubTypeOf(sub->of_type, super->of_type);
  if (IsList(sub)) return false;
  // Named types: the same type (interfaces and unions are not in our schemas).
  return sub->name == super->name;
}

// ---- Locations -----------------------------------------------------------------------------

SourceLocation OperationNameLocation(const OperationDefinition& operation) {
  return {operation.location.line,
          operation.location.column +
              static_cast<int>(std::strlen(OperationTypeName(operation.type))) + 1};
}

SourceLocation FragmentNameLocation(const FragmentDefinition& fragment) {
  return {fragment.location.line, fragment.location.column + 9};  // "fragment "
}

SourceLocation SpreadNameLocation(const Selection& spread) {
  return {spread.location.line, spread.location.column + 3};  // "..."
}

SourceLocation InlineTypeConditionLocation(const Selection& inline_fragment) {
  return {inline_fragment.location.line, inline_fragment.location.column + 7};  // "... on "
}

SourceLocation VariableNameLocation(const VariableDefinition& definition) {
  return {definition.location.line, definition.location.column + 1};  // "$"
}

SourceLocation SelectionSetLocation(const Selection& field) {
  SourceLocation end;
  if (!field.directives.empty()) {
    const Directive& last = field.directives.back();
    end = last.arguments.empty()
              ? SourceLocation{last.location.line,
                               last.location.column + 1 + static_cast<int>(last.name.size())}
              : ArgumentsEnd(last.arguments);
  } else if (!field.arguments.empty()) {
    end = ArgumentsEnd(field.arguments);
  } else {
    const int alias_width = field.alias.empty() ? 0 : static_cast<int>(field.alias.size()) + 2;
    end = {field.location.line,
           field.location.column + alias_width + static_cast<int>(field.name.size())};
  }
  SourceLocation brace{end.line, end.column + 1};
  if (!field.selection_set.empty()) {
    const SourceLocation& first = field.selection_set.front().location;
    if (first.line == brace.line && first.column <= brace.column) brace.column = first.column - 1;
  }
  return brace;
}

// ---- ValidationContext ---------------------------------------------------------------------

ValidationContext::ValidationContext(const Schema& schema, const Document& document,
                                     size_t max_errors)
    : schema_(schema), document_(document), max_errors_(max_errors) {
  for (const FragmentDefinition& fragment : document.fragments) {
    fragments_[fragment.name] = &fragment;
  }
  for (const DirectiveType& directive : schema.directives()) {
    directives_[directive.name] = FromSchema(directive);
  }
  for (const DirectiveDefinition& definition : document.directives) {
    directives_[definition.name] = FromDocument(definition);
  }
  for (const Type* type : schema.types()) type_names_.push_back(type->name);
  for (const TypeDefinition& type : document.types) {
    if (type.is_extension) continue;
    type_names_.push_back(type.name);
    document_types_.insert(type.name);
  }
}

bool ValidationContext::IsKnownTypeName(std::string_view name) const {
  return schema_.Find(name) != nullptr || document_types_.count(name) > 0;
}

void ValidationContext::Report(std::string message, std::vector<SourceLocation> locations) {
  if (aborted_) return;
  GraphQLError error;
  error.code = kValidationCode;
  if (errors_.size() >= max_errors_) {
    error.message = "Too many validation errors, error limit reached. Validation aborted.";
    errors_.push_back(std::move(error));
    aborted_ = true;
    return;
  }
  error.message = std::move(message);
  error.locations = std::move(locations);
  errors_.push_back(std::move(error));
}

const FragmentDefinition* ValidationContext::FindFragment(std::string_view name) const {
  const auto it = fragments_.find(name);
  return it == fragments_.end() ? nullptr : it->second;
}

const Field* ValidationContext::FieldDef(const Type* parent, std::string_view name) const {
  if (parent == nullptr) return nullptr;
  if (const Field* field = parent->FindField(name)) return field;
  return schema_.MetaField(*parent, name);
}

const KnownDirective* ValidationContext::FindDirective(std::string_view name) const {
  const auto it = directives_.find(name);
  return it == directives_.end() ? nullptr : &it->second;
}

const std::vector<const Selection*>& ValidationContext::FragmentSpreads(
    const std::vector<Selection>& set) {
  auto [it, inserted] = spreads_.try_emplace(&set);
  if (!inserted) return it->second;
  std::vector<const std::vector<Selection>*> to_visit = {&set};
  while (!to_visit.empty()) {
    const std::vector<Selection>* visiting = to_visit.back();
    to_visit.pop_back();
    for (const Selection& selection : *visiting) {
      if (selection.kind == SelectionKind::kFragmentSpread) {
        it->second.push_back(&selection);
      } else if (!selection.selection_set.empty()) {
        to_visit.push_back(&selection.selection_set);
      }
    }
  }
  return it->second;
}

const std::vector<const FragmentDefinition*>& ValidationContext::ReferencedFragments(
    const OperationDefinition& operation) {
  auto [it, inserted] = referenced_.try_emplace(&operation);
  if (!inserted) return it->second;
  std::vector<const FragmentDefinition*> found;
  std::set<std::string, std::less<>> collected;
  std::vector<const std::vector<Selection>*> to_visit = {&operation.selection_set};
  while (!to_visit.empty()) {
    const std::vector<Selection>* visiting = to_visit.back();
    to_visit.pop_back();
    for (const Selection* spread : FragmentSpreads(*visiting)) {
      if (!collected.insert(spread->name).second) continue;
      if (const FragmentDefinition* fragment = FindFragment(spread->name)) {
        found.push_back(fragment);
        to_visit.push_back(&fragment->selection_set);
      }
    }
  }
  it->second = std::move(found);
  return it->second;
}

const std::vector<VariableUsage>& ValidationContext::RecursiveVariableUsages(
    const OperationDefinition& operation) {
  if (const auto it = recursive_usages_.find(&operation); it != recursive_usages_.end()) {
    return it->second;
  }
  std::vector<VariableUsage> all = CollectVariableUsages(*this, operation);
  for (const FragmentDefinition* fragment : ReferencedFragments(operation)) {
    auto [cached, inserted] = usages_.try_emplace(fragment);
    if (inserted) cached->second = CollectVariableUsages(*this, *fragment);
    all.insert(all.end(), cached->second.begin(), cached->second.end());
  }
  return recursive_usages_[&operation] = std::move(all);
}

const InputValue* DirectiveArgument(const ValidationContext& context, const Directive& directive,
                                    std::string_view argument, const Field* enclosing_field) {
  if (const DirectiveType* known = context.schema().FindDirective(directive.name)) {
    for (const InputValue& value : known->arguments) {
      if (value.name == argument) return &value;
    }
    return nullptr;
  }
  return enclosing_field != nullptr ? enclosing_field->FindArgument(argument) : nullptr;
}

}  // namespace de::graphql::validation
