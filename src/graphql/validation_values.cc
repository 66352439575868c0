// Values and variables: ValuesOfCorrectType and UniqueInputFieldNames over literals, the
// collection of variable usages with their expected types, and the three variable rules that run
// when an operation is left (NoUndefinedVariables, NoUnusedVariables,
// VariablesInAllowedPosition).
#include <algorithm>
#include <set>
#include <string>

#include "graphql/parser.h"
#include "graphql/scalars.h"
#include "graphql/validation_context.h"

namespace de::graphql::validation {
namespace {

bool IsRequiredField(const InputValue& field) {
  return IsNonNull(field.type) && !field.default_value.has_value();
}

// Walks one literal. `type` is TypeInfo's input type at the value; `check` is false inside a
// literal that ValuesOfCorrectType already reported as a whole (it skips that subtree), where
// only UniqueInputFieldNames still runs.
class ValueChecker {
 public:
  explicit ValueChecker(ValidationContext& context) : context_(context) {}

  void Walk(const Value& value, const Type* type, bool check) {
    if (context_.aborted()) return;
    switch (value.kind) {
      case ValueKind::kVariable:
        return;
      case ValueKind::kNull:
        if (check && IsNonNull(type)) {
          context_.Report("Expected value of type " + Quoted(type->ToString()) + ", found null.",
                          {value.location});
        }
        return;
      case ValueKind::kList:
        WalkList(value, type, check);
        return;
      case ValueKind::kObject:
        WalkObject(value, type, check);
        return;
      default:
        if (check) CheckLiteral(value, type);
        return;
    }
  }

 private:
  void WalkList(const Value& value, const Type* type, bool check) {
    const Type* list_type = Nullable(type);
    const Type* item = IsList(list_type) ? list_type->of_type : list_type;
    if (!IsInputType(item)) item = nullptr;
    if (check && !IsList(list_type)) {
      CheckLiteral(value, item);
      check = false;
    }
    for (const Value& element : value.list) Walk(element, item, check);
  }

  void WalkObject(const Value& value, const Type* type, bool check) {
    const Type* named = NamedOf(type);
    const bool input_object = named != nullptr && named->kind == TypeKind::kInputObject;
    if (check && !input_object) {
      CheckLiteral(value, type);
      check = false;
    }
    if (check) CheckRequiredFields(value, *named);
    std::map<std::string_view, SourceLocation> seen;
    for (const ObjectField& field : value.fields) {
      if (context_.aborted()) return;
      const InputValue* definition = input_object ? named->FindInputField(field.name) : nullptr;
      if (check && definition == nullptr) {
        std::vector<std::string> names;
        for (const InputValue& candidate : named->input_fields) names.push_back(candidate.name);
        context_.Report("Field " + Quoted(field.name) + " is not defined by type " +
                            Quoted(named->name) + "." + DidYouMean(Suggest(field.name, names)),
                        {field.location});
      }
      auto [it, inserted] = seen.try_emplace(field.name, field.location);
      if (!inserted) {
        context_.Report("There can be only one input field named " + Quoted(field.name) + ".",
                        {it->second, field.location});
      }
      Walk(field.value, definition != nullptr ? definition->type : nullptr, check);
    }
  }

  void CheckRequiredFields(const Value& value, const Type& input_object) {
    for (const InputValue& field : input_object.input_fields) {
      if (!IsRequiredField(field)) continue;
      const bool given = std::any_of(value.fields.begin(), value.fields.end(),
                                     [&](const ObjectField& f) { return f.name == field.name; });
      if (given) continue;
      context_.Report("Field " + Quoted(input_object.name + "." + field.name) +
                          " of required type " + Quoted(field.type->ToString()) +
                          " was not provided.",
                      {value.location});
    }
  }

  // graphql-core's is_valid_value_node: leaves parse the literal, anything else is a mismatch.
  void CheckLiteral(const Value& value, const Type* location_type) {
    if (location_type == nullptr) return;
    const Type& named = location_type->Named();
    std::string error;
    if (named.IsLeaf() && ParseLeafLiteral(named, value, NoVariables(), &error).has_value()) {
      return;
    }
    if (!named.IsLeaf() || error.empty()) {
      error = "Expected value of type " + Quoted(location_type->ToString()) + ", found " +
              PrintValue(value) + ".";
    }
    context_.Report(std::move(error), {value.location});
  }

  static const Json& NoVariables() {
    static const Json* const kEmpty = new Json(Json::object());
    return *kEmpty;
  }

  ValidationContext& context_;
};

// Records every variable with TypeInfo's input type and default at its position.
class UsageCollector {
 public:
  explicit UsageCollector(const ValidationContext& context) : context_(context) {}

  void Selections(const Type* type, const std::vector<Selection>& selections,
                  const Field* enclosing_field) {
    const Type* named = NamedOf(type);
    const Type* parent = IsComposite(named) ? named : nullptr;
    for (const Selection& selection : selections) {
      switch (selection.kind) {
        case SelectionKind::kField:
          FieldUsages(selection, parent);
          break;
        case SelectionKind::kFragmentSpread:
          Directives(selection.directives, enclosing_field);
          break;
        case SelectionKind::kInlineFragment: {
          const Type* condition = selection.type_condition.empty()
                                      ? named
                                      : context_.schema().Find(selection.type_condition);
          Directives(selection.directives, enclosing_field);
          Selections(IsOutput(condition) ? condition : nullptr, selection.selection_set,
                     enclosing_field);
          break;
        }
      }
    }
  }

  void Directives(const std::vector<Directive>& directives, const Field* enclosing_field) {
    for (const Directive& directive : directives) {
      for (const Argument& argument : directive.arguments) {
        ArgumentUsages(argument,
                       DirectiveArgument(context_, directive, argument.name, enclosing_field));
      }
    }
  }

  std::vector<VariableUsage> Take() { return std::move(usages_); }

 private:
  void FieldUsages(const Selection& field, const Type* parent) {
    const Field* definition = context_.FieldDef(parent, field.name);
    for (const Argument& argument : field.arguments) {
      ArgumentUsages(argument,
                     definition != nullptr ? definition->FindArgument(argument.name) : nullptr);
    }
    Directives(field.directives, definition);
    Selections(definition != nullptr ? definition->type : nullptr, field.selection_set, definition);
  }

  void ArgumentUsages(const Argument& argument, const InputValue* definition) {
    ValueUsages(argument.value, definition != nullptr ? definition->type : nullptr,
                definition != nullptr && definition->default_value.has_value());
  }

  void ValueUsages(const Value& value, const Type* type, bool has_default) {
    if (value.kind == ValueKind::kVariable) {
      usages_.push_back({&value, type, has_default});
    } else if (value.kind == ValueKind::kList) {
      const Type* list_type = Nullable(type);
      const Type* item = IsList(list_type) ? list_type->of_type : list_type;
      for (const Value& element : value.list) {
        ValueUsages(element, IsInputType(item) ? item : nullptr, false);
      }
    } else if (value.kind == ValueKind::kObject) {
      const Type* named = NamedOf(type);
      const bool input_object = named != nullptr && named->kind == TypeKind::kInputObject;
      for (const ObjectField& field : value.fields) {
        const InputValue* definition = input_object ? named->FindInputField(field.name) : nullptr;
        ValueUsages(field.value, definition != nullptr ? definition->type : nullptr,
                    definition != nullptr && definition->default_value.has_value());
      }
    }
  }

  const ValidationContext& context_;
  std::vector<VariableUsage> usages_;
};

// allowed_variable_usage: a nullable variable may fill a non-null position when it or the
// position has a (non-null) default.
bool AllowedUsage(const Type* variable_type, const VariableDefinition& definition,
                  const VariableUsage& usage) {
  const Type* location_type = usage.type;
  if (IsNonNull(location_type) && !IsNonNull(variable_type)) {
    const bool variable_default =
        definition.default_value.has_value() && definition.default_value->kind != ValueKind::kNull;
    if (!variable_default && !usage.location_has_default) return false;
    return IsTypeSubTypeOf(variable_type, location_type->of_type);
  }
  return IsTypeSubTypeOf(variable_type, location_type);
}

std::string InOperation(const OperationDefinition& operation, std::string_view verb) {
  if (operation.name.empty()) return ".";
  return std::string(verb) + " operation " + Quoted(operation.name) + ".";
}

}  // namespace

void CheckValue(ValidationContext& context, const Value& value, const Type* input_type) {
  ValueChecker(context).Walk(value, input_type, /*check=*/true);
}

std::vector<VariableUsage> CollectVariableUsages(const ValidationContext& context,
                                                 const OperationDefinition& operation) {
  UsageCollector collector(context);
  collector.Directives(operation.directives, nullptr);
  const Type* root = operation.type == OperationType::kQuery      ? context.schema().query_type()
                     : operation.type == OperationType::kMutation ? context.schema().mutation_type()
                                                                  : nullptr;
  collector.Selections(root, operation.selection_set, nullptr);
  return collector.Take();
}

std::vector<VariableUsage> CollectVariableUsages(const ValidationContext& context,
                                                 const FragmentDefinition& fragment) {
  UsageCollector collector(context);
  collector.Directives(fragment.directives, nullptr);
  const Type* type = context.schema().Find(fragment.type_condition);
  collector.Selections(IsOutput(type) ? type : nullptr, fragment.selection_set, nullptr);
  return collector.Take();
}

void CheckVariablesOnLeave(ValidationContext& context, const OperationDefinition& operation) {
  const std::vector<VariableUsage>& usages = context.RecursiveVariableUsages(operation);
  std::map<std::string_view, const VariableDefinition*> defined;  // the last one wins
  for (const VariableDefinition& definition : operation.variables) {
    defined[definition.name] = &definition;
  }
  for (const VariableUsage& usage : usages) {  // NoUndefinedVariables
    if (defined.count(usage.node->text) > 0) continue;
    context.Report("Variable " + Quoted("$" + usage.node->text) + " is not defined" +
                       InOperation(operation, " by"),
                   {usage.node->location, operation.location});
  }
  std::set<std::string_view> used;
  for (const VariableUsage& usage : usages) used.insert(usage.node->text);
  for (const VariableDefinition& definition : operation.variables) {  // NoUnusedVariables
    if (used.count(definition.name) > 0) continue;
    context.Report("Variable " + Quoted("$" + definition.name) + " is never used" +
                       InOperation(operation, " in"),
                   {definition.location});
  }
  for (const VariableUsage& usage : usages) {  // VariablesInAllowedPosition
    const auto it = defined.find(usage.node->text);
    if (it == defined.end() || usage.type == nullptr) continue;
    const Type* variable_type = context.schema().Resolve(it->second->type);
    if (variable_type == nullptr || AllowedUsage(variable_type, *it->second, usage)) continue;
    context.Report("Variable " + Quoted("$" + usage.node->text) + " of type " +
                       Quoted(variable_type->ToString()) + " used in position expecting type " +
                       Quoted(usage.type->ToString()) + ".",
                   {it->second->location, usage.node->location});
  }
}

}  // namespace de::graphql::validation
