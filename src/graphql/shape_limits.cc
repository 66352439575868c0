// CheckShapeLimits: field depth (following fragments), aliases and directives (as written), before
// validation and execution, so a hostile document is refused cheaply.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "graphql/validation.h"

namespace de::graphql {
namespace {

constexpr char kLimitCode[] = "LIMIT_EXCEEDED";

bool IsIntrospectionRoot(const Selection& field) {
  return field.name == "__schema" || field.name == "__type";
}

GraphQLError LimitError(std::string message, SourceLocation location) {
  GraphQLError error;
  error.message = std::move(message);
  error.locations = {location};
  error.code = kLimitCode;
  return error;
}

// Field depth: a field at the top of an operation is at depth 1, its subfields at 2, and so on;
// fragments count where they are spread, inline fragments add nothing, fields under
// __schema/__type are exempt. The depth of each fragment's own fields is computed once, so
// fragments spreading fragments cost linear time; a spread that closes a cycle adds nothing.
class DepthMeter {
 public:
  explicit DepthMeter(const Document& document) {
    for (const FragmentDefinition& fragment : document.fragments) {
      fragments_[fragment.name] = &fragment;
    }
  }

  int Depth(const std::vector<Selection>& selections) {
    int depth = 0;
    for (const Selection& selection : selections) {
      depth = std::max(depth, Depth(selection));
    }
    return depth;
  }

  // The first field deeper than `limit` under `selections`, whose fields are at depth base + 1.
  std::optional<SourceLocation> FirstTooDeep(const std::vector<Selection>& selections, int base,
                                             int limit) {
    for (const Selection& selection : selections) {
      if (base + Depth(selection) <= limit) continue;
      std::optional<SourceLocation> found;
      if (selection.kind == SelectionKind::kField) {
        if (base + 1 > limit) return selection.location;
        found = FirstTooDeep(selection.selection_set, base + 1, limit);
      } else if (selection.kind == SelectionKind::kInlineFragment) {
        found = FirstTooDeep(selection.selection_set, base, limit);
      } else if (on_path_.insert(selection.name).second) {  // else a cycle: look elsewhere
        found = FirstTooDeep(fragments_.at(selection.name)->selection_set, base, limit);
        on_path_.erase(selection.name);
      }
      if (found.has_value()) return found;
    }
    return std::nullopt;
  }

 private:
  int Depth(const Selection& selection) {
    switch (selection.kind) {
      case SelectionKind::kField:
        return IsIntrospectionRoot(selection) ? 1 : 1 + Depth(selection.selection_set);
      case SelectionKind::kInlineFragment:
        return Depth(selection.selection_set);
      case SelectionKind::kFragmentSpread:
        return FragmentDepth(selection.name);
    }
    return 0;
  }

  int FragmentDepth(const std::string& name) {
    const auto fragment = fragments_.find(name);
    if (fragment == fragments_.end()) return 0;
    if (const auto known = depths_.find(name); known != depths_.end()) return known->second;
    if (!in_progress_.insert(name).second) return 0;  // a cycle
    const int depth = Depth(fragment->second->selection_set);
    in_progress_.erase(name);
    depths_[name] = depth;
    return depth;
  }

  std::map<std::string, const FragmentDefinition*> fragments_;
  std::map<std::string, int> depths_;
  std::set<std::string> in_progress_;
  std::set<std::string> on_path_;  // fragments FirstTooDeep is inside
};

// Visits every alias and directive of the document in text order.
class TextCounter {
 public:
  void Document(const de::graphql::Document& document) {
    using Kind = Document::DefinitionRef::Kind;
    for (const Document::DefinitionRef& ref : document.order) {
      switch (ref.kind) {
        case Kind::kOperation: {
          const OperationDefinition& operation = document.operations[ref.index];
          for (const VariableDefinition& variable : operation.variables) {
            Directives(variable.directives);
          }
          Directives(operation.directives);
          Selections(operation.selection_set);
          break;
        }
        case Kind::kFragment:
          Directives(document.fragments[ref.index].directives);
          Selections(document.fragments[ref.index].selection_set);
          break;
        case Kind::kSchema:
          Directives(document.schema_definitions[ref.index].directives);
          break;
        case Kind::kType:
          Type(document.types[ref.index]);
          break;
        case Kind::kDirective:
          for (const InputValueDefinition& argument : document.directives[ref.index].arguments) {
            Directives(argument.directives);
          }
          break;
      }
    }
  }

  int aliases = 0;
  int directives = 0;
  std::vector<SourceLocation> alias_locations;      // in text order
  std::vector<SourceLocation> directive_locations;  // in text order

 private:
  void Selections(const std::vector<Selection>& selections) {
    for (const Selection& selection : selections) {
      if (!selection.alias.empty()) {
        ++aliases;
        alias_locations.push_back(selection.location);
      }
      Directives(selection.directives);
      Selections(selection.selection_set);
    }
  }

  void Type(const TypeDefinition& type) {
    Directives(type.directives);
    for (const FieldDefinition& field : type.fields) {
      for (const InputValueDefinition& argument : field.arguments) Directives(argument.directives);
      Directives(field.directives);
    }
    for (const EnumValueDefinition& value : type.enum_values) Directives(value.directives);
    for (const InputValueDefinition& field : type.input_fields) Directives(field.directives);
  }

  void Directives(const std::vector<Directive>& list) {
    for (const Directive& directive : list) {
      ++directives;
      directive_locations.push_back(directive.location);
    }
  }
};

}  // namespace

std::vector<GraphQLError> CheckShapeLimits(const Document& document, const ShapeLimits& limits) {
  std::vector<GraphQLError> errors;
  DepthMeter meter(document);
  int depth = 0;
  const OperationDefinition* deepest = nullptr;
  for (const OperationDefinition& operation : document.operations) {
    const int operation_depth = meter.Depth(operation.selection_set);
    if (operation_depth > limits.max_field_depth && deepest == nullptr) deepest = &operation;
    depth = std::max(depth, operation_depth);
  }
  if (deepest != nullptr) {
    const std::optional<SourceLocation> location =
        meter.FirstTooDeep(deepest->selection_set, 0, limits.max_field_depth);
    errors.push_back(LimitError("Query depth " + std::to_string(depth) + " exceeds the limit of " +
                                    std::to_string(limits.max_field_depth) + ".",
                                location.value_or(deepest->location)));
  }
  TextCounter counter;
  counter.Document(document);
  if (counter.aliases > limits.max_aliases) {
    errors.push_back(LimitError("Query uses " + std::to_string(counter.aliases) +
                                    " aliases, exceeding the limit of " +
                                    std::to_string(limits.max_aliases) + ".",
                                counter.alias_locations[std::max(0, limits.max_aliases)]));
  }
  if (counter.directives > limits.max_directives) {
    errors.push_back(LimitError("Query uses " + std::to_string(counter.directives) +
                                    " directives, exceeding the limit of " +
                                    std::to_string(limits.max_directives) + ".",
                                counter.directive_locations[std::max(0, limits.max_directives)]));
  }
  return errors;
}

}  // namespace de::graphql
