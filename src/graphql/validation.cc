// Validate(): one walk over the document in graphql-core's visiting order. At every node the
// rules that act there run in the order of graphql-core's specified_rules, so errors come out in
// the same order as graphql-core's parallel visit reports them.
#include "graphql/validation.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <utility>

#include "graphql/validation_context.h"

namespace de::graphql {
namespace validation {
namespace {

using SeenNames = std::map<std::string, SourceLocation, std::less<>>;

constexpr std::string_view kStandardTypeNames[] = {"Int",
                                                   "Float",
                                                   "String",
                                                   "Boolean",
                                                   "ID",
                                                   "__Schema",
                                                   "__Type",
                                                   "__TypeKind",
                                                   "__Field",
                                                   "__InputValue",
                                                   "__EnumValue",
                                                   "__Directive",
                                                   "__DirectiveLocation"};

// "INLINE_FRAGMENT" -> "inline fragment", as graphql-core's DirectiveLocation values read.
std::string LocationName(std::string_view location) {
  std::string out(location);
  for (char& c : out) {
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view OperationLocation(OperationType type) {
  switch (type) {
    case OperationType::kQuery:
      return "QUERY";
    case OperationType::kMutation:
      return "MUTATION";
    case OperationType::kSubscription:
      return "SUBSCRIPTION";
  }
  return "QUERY";
}

// Object types overlap only when they are the same type; abstract types (absent from our
// schemas) are given the benefit of the doubt.
bool TypesOverlap(const Type* a, const Type* b) {
  if (a == b) return true;
  return a->kind != TypeKind::kObject || b->kind != TypeKind::kObject;
}

bool IsRequired(const InputValue& value) {
  return IsNonNull(value.type) && !value.default_value.has_value();
}

class DocumentWalker {
 public:
  explicit DocumentWalker(ValidationContext& context) : context_(context), overlap_(context) {}

  void Run() {
    EnterDocument();
    const Document& document = context_.document();
    for (const Document::DefinitionRef& ref : document.order) {
      if (context_.aborted()) return;
      switch (ref.kind) {
        case Document::DefinitionRef::Kind::kOperation:
          VisitOperation(document.operations[ref.index]);
          break;
        case Document::DefinitionRef::Kind::kFragment:
          VisitFragment(document.fragments[ref.index]);
          break;
        default:
          type_system_.Visit(context_, ref);
          break;
      }
    }
    if (!context_.aborted()) CheckUnusedFragments(context_);
  }

 private:
  // ExecutableDefinitions, then LoneAnonymousOperation's count.
  void EnterDocument() {
    const Document& document = context_.document();
    for (const Document::DefinitionRef& ref : document.order) {
      using Kind = Document::DefinitionRef::Kind;
      if (ref.kind == Kind::kOperation || ref.kind == Kind::kFragment) continue;
      std::string name = "schema";
      SourceLocation location;
      if (ref.kind == Kind::kSchema) {
        location = document.schema_definitions[ref.index].location;
      } else if (ref.kind == Kind::kType) {
        name = Quoted(document.types[ref.index].name);
        location = document.types[ref.index].location;
      } else {
        name = Quoted(document.directives[ref.index].name);
        location = document.directives[ref.index].location;
      }
      context_.Report("The " + name + " definition is not executable.", {location});
    }
  }

  void VisitOperation(const OperationDefinition& operation) {
    if (!operation.name.empty()) {  // UniqueOperationNames
      const SourceLocation location = OperationNameLocation(operation);
      auto [it, inserted] = operation_names_.try_emplace(operation.name, location);
      if (!inserted) {
        context_.Report("There can be only one operation named " + Quoted(operation.name) + ".",
                        {it->second, location});
      }
    } else if (context_.document().operations.size() > 1) {  // LoneAnonymousOperation
      context_.Report("This anonymous operation must be the only defined operation.",
                      {operation.location});
    }
    CheckUniqueVariableNames(operation);
    SeenNames seen;
    CheckUniqueDirectives(context_, operation.directives, seen);
    for (const VariableDefinition& definition : operation.variables) {
      VisitVariableDefinition(definition);
    }
    VisitDirectives(context_, operation.directives, OperationLocation(operation.type), nullptr);
    const Type* root = operation.type == OperationType::kQuery ? context_.schema().query_type()
                       : operation.type == OperationType::kMutation
                           ? context_.schema().mutation_type()
                           : nullptr;
    VisitSelectionSet(root, operation.selection_set, nullptr);
    if (!context_.aborted()) CheckVariablesOnLeave(context_, operation);
  }

  void CheckUniqueVariableNames(const OperationDefinition& operation) {
    std::vector<std::pair<std::string_view, std::vector<SourceLocation>>> groups;
    for (const VariableDefinition& definition : operation.variables) {
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const auto& group) { return group.first == definition.name; });
      if (it == groups.end()) it = groups.insert(groups.end(), {definition.name, {}});
      it->second.push_back(VariableNameLocation(definition));
    }
    for (auto& [name, locations] : groups) {
      if (locations.size() < 2) continue;
      context_.Report(
          "There can be only one variable named " + Quoted("$" + std::string(name)) + ".",
          std::move(locations));
    }
  }

  void VisitVariableDefinition(const VariableDefinition& definition) {
    const Type* type = context_.schema().Resolve(definition.type);
    if (type != nullptr && !IsInputType(type)) {  // VariablesAreInputTypes
      context_.Report("Variable " + Quoted("$" + definition.name) + " cannot be non-input type " +
                          Quoted(definition.type.ToString()) + ".",
                      {definition.type.location});
    }
    SeenNames seen;
    CheckUniqueDirectives(context_, definition.directives, seen);
    CheckTypeRef(context_, definition.type, /*sdl=*/false);
    if (definition.default_value.has_value()) {
      CheckValue(context_, *definition.default_value, IsInputType(type) ? type : nullptr);
    }
    VisitDirectives(context_, definition.directives, "VARIABLE_DEFINITION", nullptr);
  }

  void VisitFragment(const FragmentDefinition& fragment) {
    const Type* type = context_.schema().Find(fragment.type_condition);
    if (type != nullptr && !IsComposite(type)) {  // FragmentsOnCompositeTypes
      context_.Report("Fragment " + Quoted(fragment.name) +
                          " cannot condition on non composite type " +
                          Quoted(fragment.type_condition) + ".",
                      {fragment.type_condition_location});
    }
    const SourceLocation name_location = FragmentNameLocation(fragment);
    auto [it, inserted] = fragment_names_.try_emplace(fragment.name, name_location);
    if (!inserted) {  // UniqueFragmentNames
      context_.Report("There can be only one fragment named " + Quoted(fragment.name) + ".",
                      {it->second, name_location});
    }
    cycles_.Enter(context_, fragment);
    SeenNames seen;
    CheckUniqueDirectives(context_, fragment.directives, seen);
    CheckNamedType(fragment.type_condition, fragment.type_condition_location);
    VisitDirectives(context_, fragment.directives, "FRAGMENT_DEFINITION", nullptr);
    VisitSelectionSet(IsOutput(type) ? type : nullptr, fragment.selection_set, nullptr);
  }

  // `type` is TypeInfo's type of the node owning the set (a field's type, maybe wrapped).
  void VisitSelectionSet(const Type* type, const std::vector<Selection>& selections,
                         const Field* enclosing_field) {
    if (selections.empty() || context_.aborted()) return;
    const Type* named = NamedOf(type);
    const Type* parent = IsComposite(named) ? named : nullptr;
    overlap_.EnterSelectionSet(parent, selections);
    for (const Selection& selection : selections) {
      if (context_.aborted()) return;
      switch (selection.kind) {
        case SelectionKind::kField:
          VisitField(selection, parent);
          break;
        case SelectionKind::kFragmentSpread:
          VisitSpread(selection, parent, enclosing_field);
          break;
        case SelectionKind::kInlineFragment:
          VisitInlineFragment(selection, type, parent, enclosing_field);
          break;
      }
    }
  }

  void VisitField(const Selection& field, const Type* parent) {
    const Field* definition = context_.FieldDef(parent, field.name);
    const Type* type = definition != nullptr ? definition->type : nullptr;
    CheckScalarLeafs(field, type);
    if (parent != nullptr && definition == nullptr) {  // FieldsOnCorrectType
      std::vector<std::string> names;
      for (const Field& candidate : parent->fields) names.push_back(candidate.name);
      context_.Report("Cannot query field " + Quoted(field.name) + " on type " +
                          Quoted(parent->name) + "." + DidYouMean(Suggest(field.name, names)),
                      {field.location});
    }
    SeenNames seen;
    CheckUniqueDirectives(context_, field.directives, seen);
    CheckUniqueArguments(context_, field.arguments);
    const bool was_skipping = skip_introspection_depth_;
    if (!skip_introspection_depth_ && (field.name == "__schema" || field.name == "__type") &&
        IntrospectionTooDeep(context_, field)) {
      context_.Report("Maximum introspection depth exceeded", {field.location});
      skip_introspection_depth_ = true;
    }
    for (const Argument& argument : field.arguments) {
      VisitFieldArgument(argument, field, parent, definition);
    }
    VisitDirectives(context_, field.directives, "FIELD", definition);
    VisitSelectionSet(type, field.selection_set, definition);
    skip_introspection_depth_ = was_skipping;
    if (definition != nullptr && !context_.aborted()) CheckRequiredArguments(field, *definition);
  }

  void CheckScalarLeafs(const Selection& field, const Type* type) {
    if (type == nullptr) return;
    if (IsLeafType(NamedOf(type))) {
      if (!field.selection_set.empty()) {
        context_.Report("Field " + Quoted(field.name) + " must not have a selection since type " +
                            Quoted(type->ToString()) + " has no subfields.",
                        {SelectionSetLocation(field)});
      }
    } else if (field.selection_set.empty()) {
      context_.Report("Field " + Quoted(field.name) + " of type " + Quoted(type->ToString()) +
                          " must have a selection of subfields. Did you mean " +
                          Quoted(field.name + " { ... }") + "?",
                      {field.location});
    }
  }

  void VisitFieldArgument(const Argument& argument, const Selection& field, const Type* parent,
                          const Field* definition) {
    const InputValue* argument_definition =
        definition != nullptr ? definition->FindArgument(argument.name) : nullptr;
    if (argument_definition == nullptr && definition != nullptr && parent != nullptr) {
      std::vector<std::string> names;  // KnownArgumentNames
      for (const InputValue& candidate : definition->arguments) names.push_back(candidate.name);
      context_.Report("Unknown argument " + Quoted(argument.name) + " on field " +
                          Quoted(parent->name + "." + field.name) + "." +
                          DidYouMean(Suggest(argument.name, names)),
                      {argument.location});
    }
    CheckValue(context_, argument.value,
               argument_definition != nullptr ? argument_definition->type : nullptr);
  }

  // ProvidedRequiredArguments, when leaving the field.
  void CheckRequiredArguments(const Selection& field, const Field& definition) {
    for (const InputValue& argument : definition.arguments) {
      if (!IsRequired(argument)) continue;
      const bool given = std::any_of(field.arguments.begin(), field.arguments.end(),
                                     [&](const Argument& a) { return a.name == argument.name; });
      if (given) continue;
      context_.Report("Field " + Quoted(field.name) + " argument " + Quoted(argument.name) +
                          " of type " + Quoted(argument.type->ToString()) +
                          " is required, but it was not provided.",
                      {field.location});
    }
  }

  void VisitSpread(const Selection& spread, const Type* parent, const Field* enclosing_field) {
    const FragmentDefinition* fragment = context_.FindFragment(spread.name);
    if (fragment == nullptr) {  // KnownFragmentNames
      context_.Report("Unknown fragment " + Quoted(spread.name) + ".",
                      {SpreadNameLocation(spread)});
    } else if (const Type* type = context_.schema().Find(fragment->type_condition);
               IsComposite(type) && parent != nullptr && !TypesOverlap(type, parent)) {
      context_.Report("Fragment " + Quoted(spread.name) +
                          " cannot be spread here as objects of type " + Quoted(parent->name) +
                          " can never be of type " + Quoted(type->name) + ".",
                      {spread.location});  // PossibleFragmentSpreads
    }
    SeenNames seen;
    CheckUniqueDirectives(context_, spread.directives, seen);
    VisitDirectives(context_, spread.directives, "FRAGMENT_SPREAD", enclosing_field);
  }

  void VisitInlineFragment(const Selection& fragment, const Type* owner_type, const Type* parent,
                           const Field* enclosing_field) {
    const bool has_condition = !fragment.type_condition.empty();
    const Type* condition =
        has_condition ? context_.schema().Find(fragment.type_condition) : NamedOf(owner_type);
    if (has_condition && condition != nullptr && !IsComposite(condition)) {
      context_.Report("Fragment cannot condition on non composite type " +
                          Quoted(fragment.type_condition) + ".",
                      {InlineTypeConditionLocation(fragment)});
    }
    const Type* type = IsOutput(condition) ? condition : nullptr;
    if (IsComposite(type) && IsComposite(parent) && !TypesOverlap(type, parent)) {
      context_.Report("Fragment cannot be spread here as objects of type " + Quoted(parent->name) +
                          " can never be of type " + Quoted(type->name) + ".",
                      {fragment.location});
    }
    SeenNames seen;
    CheckUniqueDirectives(context_, fragment.directives, seen);
    if (has_condition) {
      CheckNamedType(fragment.type_condition, InlineTypeConditionLocation(fragment));
    }
    VisitDirectives(context_, fragment.directives, "INLINE_FRAGMENT", enclosing_field);
    VisitSelectionSet(type, fragment.selection_set, enclosing_field);
  }

  void CheckNamedType(const std::string& name, SourceLocation location) {
    TypeRef ref;
    ref.name = name;
    ref.location = location;
    CheckTypeRef(context_, ref, /*sdl=*/false);
  }

  ValidationContext& context_;
  OverlapChecker overlap_;
  FragmentCycleDetector cycles_;
  TypeSystemChecker type_system_;
  SeenNames operation_names_;
  SeenNames fragment_names_;
  bool skip_introspection_depth_ = false;  // inside a field already reported as too deep
};

void VisitDirective(ValidationContext& context, const Directive& directive,
                    std::string_view location, const Field* enclosing_field) {
  const KnownDirective* known = context.FindDirective(directive.name);
  if (known == nullptr || known->locations.empty()) {  // KnownDirectives
    context.Report("Unknown directive " + Quoted("@" + directive.name) + ".", {directive.location});
    known = nullptr;
  } else if (std::find(known->locations.begin(), known->locations.end(), location) ==
             known->locations.end()) {
    context.Report("Directive " + Quoted("@" + directive.name) + " may not be used on " +
                       LocationName(location) + ".",
                   {directive.location});
  }
  if (known != nullptr) {  // KnownArgumentNames
    for (const Argument& argument : directive.arguments) {
      if (std::find(known->arguments.begin(), known->arguments.end(), argument.name) !=
          known->arguments.end()) {
        continue;
      }
      context.Report("Unknown argument " + Quoted(argument.name) + " on directive " +
                         Quoted("@" + directive.name) + "." +
                         DidYouMean(Suggest(argument.name, known->arguments)),
                     {argument.location});
    }
  }
  CheckUniqueArguments(context, directive.arguments);
  for (const Argument& argument : directive.arguments) {
    const InputValue* definition =
        DirectiveArgument(context, directive, argument.name, enclosing_field);
    CheckValue(context, argument.value, definition != nullptr ? definition->type : nullptr);
  }
  if (known == nullptr || context.aborted()) return;
  for (const auto& [name, type] : known->required) {  // ProvidedRequiredArguments
    const bool given = std::any_of(directive.arguments.begin(), directive.arguments.end(),
                                   [&](const Argument& a) { return a.name == name; });
    if (given) continue;
    context.Report("Directive " + Quoted("@" + directive.name) + " argument " + Quoted(name) +
                       " of type " + Quoted(type) + " is required, but it was not provided.",
                   {directive.location});
  }
}

}  // namespace

void VisitDirectives(ValidationContext& context, const std::vector<Directive>& directives,
                     std::string_view location, const Field* enclosing_field) {
  for (const Directive& directive : directives) {
    if (context.aborted()) return;
    VisitDirective(context, directive, location, enclosing_field);
  }
}

void CheckUniqueDirectives(ValidationContext& context, const std::vector<Directive>& directives,
                           std::map<std::string, SourceLocation, std::less<>>& seen) {
  for (const Directive& directive : directives) {
    const KnownDirective* known = context.FindDirective(directive.name);
    if (known == nullptr || known->repeatable) continue;
    auto [it, inserted] = seen.try_emplace(directive.name, directive.location);
    if (inserted) continue;
    context.Report("The directive " + Quoted("@" + directive.name) +
                       " can only be used once at this location.",
                   {it->second, directive.location});
  }
}

void CheckUniqueArguments(ValidationContext& context, const std::vector<Argument>& arguments) {
  std::vector<std::pair<std::string_view, std::vector<SourceLocation>>> groups;
  for (const Argument& argument : arguments) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& group) { return group.first == argument.name; });
    if (it == groups.end()) it = groups.insert(groups.end(), {argument.name, {}});
    it->second.push_back(argument.location);
  }
  for (auto& [name, locations] : groups) {
    if (locations.size() < 2) continue;
    context.Report("There can be only one argument named " + Quoted(name) + ".",
                   std::move(locations));
  }
}

void CheckTypeRef(ValidationContext& context, const TypeRef& ref, bool sdl) {
  if (ref.kind != TypeRef::Kind::kNamed) {
    if (!ref.of_type.empty()) CheckTypeRef(context, ref.of_type.front(), sdl);
    return;
  }
  if (context.IsKnownTypeName(ref.name)) return;
  const bool standard = std::find(std::begin(kStandardTypeNames), std::end(kStandardTypeNames),
                                  ref.name) != std::end(kStandardTypeNames);
  if (sdl && standard) return;
  std::vector<std::string> candidates = context.TypeNames();
  if (sdl)
    candidates.insert(candidates.end(), std::begin(kStandardTypeNames),
                      std::end(kStandardTypeNames));
  context.Report(
      "Unknown type " + Quoted(ref.name) + "." + DidYouMean(Suggest(ref.name, candidates)),
      {ref.location});
}

}  // namespace validation

std::vector<GraphQLError> Validate(const Schema& schema, const Document& document,
                                   size_t max_errors) {
  validation::ValidationContext context(schema, document, max_errors);
  validation::DocumentWalker(context).Run();
  return context.TakeErrors();
}

}  // namespace de::graphql
