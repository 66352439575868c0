// Execution (§6.2-§6.4): field collection, resolvers, value completion and null propagation.
//
// Errors: a field error is recorded where it happens; the function that found it returns false
// ("raised"), and each caller either absorbs it (a nullable field or list item becomes null) or
// returns false in turn, so the null reaches the nearest nullable parent (§6.4.4). Like
// graphql-js, the siblings after a raised error in the same object or list are not executed.
#include "graphql/executor.h"

#include <exception>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

#include "graphql/coercion.h"
#include "graphql/inspect.h"
#include "graphql/scalars.h"

namespace de::graphql {
namespace {

using Clock = std::chrono::steady_clock;

// The selections that share one response key (§6.3.2), with what is known about them once per
// execution: the field definition and the coerced arguments (these depend only on the
// variables, so a field inside a list is set up once, not once per item).
struct FieldGroup {
  std::string_view response_key;
  std::vector<const Selection*> nodes;  // the first one names the field and has the arguments
  const Type* parent_type = nullptr;    // the object type the field belongs to
  const Field* definition = nullptr;    // nullptr for __typename
  bool arguments_ready = false;
  Json arguments;  // valid when arguments_ready and !argument_error
  std::optional<GraphQLError> argument_error;
};

struct CollectedFields {
  std::vector<FieldGroup> groups;     // in response order
  std::optional<GraphQLError> error;  // a @skip/@include argument that cannot be coerced
};

// One step of a response path, kept cheap; turned into PathSegments only for an error.
struct PathStep {
  std::string_view key;
  int index = -1;  // >= 0 for a list index
};

const Json& NullJson() {
  static const Json kNull = nullptr;
  return kNull;
}

void AppendMember(Json* object, std::string_view key, Json value) {
  // Response keys are unique after grouping: append without ordered_map's linear key search.
  auto& members = static_cast<Json::object_t::Container&>(object->get_ref<Json::object_t&>());
  members.emplace_back(std::string(key), std::move(value));
}

class Executor {
 public:
  Executor(const Schema& schema, const Document& document, const Json& variables,
           const std::any& context, const ExecutionOptions& options)
      : schema_(schema),
        variables_(variables),
        context_(context),
        options_(options),
        deadline_(Clock::now() + options.timeout) {
    for (const FragmentDefinition& fragment : document.fragments) {
      fragments_.emplace(fragment.name, &fragment);
    }
  }

  // Executes the operation's root selection set; false when a non-null root field failed.
  bool ExecuteRoot(const Type& root_type, const OperationDefinition& operation, Json* data) {
    CollectedFields& fields = Collect(root_type, operation.selection_set);
    if (fields.error) {
      Record(*fields.error);
      return false;
    }
    return ExecuteFields(root_type, NullJson(), fields, data);
  }

  std::vector<GraphQLError> TakeErrors() { return std::move(errors_); }

 private:
  // ---- Field collection (§6.3.2) ----------------------------------------------------------

  CollectedFields& Collect(const Type& type, const std::vector<Selection>& selections) {
    std::vector<const std::vector<Selection>*> sets = {&selections};
    return CollectCached(type, sets);
  }

  CollectedFields& CollectSubfields(const Type& type, const FieldGroup& group) {
    std::vector<const std::vector<Selection>*> sets;
    for (const Selection* node : group.nodes) sets.push_back(&node->selection_set);
    return CollectCached(type, sets);
  }

  // The fields of `sets` on `type`, collected once per execution: they depend only on the
  // document and the variables.
  CollectedFields& CollectCached(const Type& type,
                                 const std::vector<const std::vector<Selection>*>& sets) {
    auto key = std::make_pair(&type, sets);
    auto it = collected_.find(key);
    if (it != collected_.end()) return *it->second;
    auto fields = std::make_unique<CollectedFields>();
    std::unordered_map<std::string_view, size_t> index;
    std::vector<std::string_view> visited;
    for (const auto* set : sets) {
      if (fields->error) break;
      CollectInto(type, *set, &visited, &index, fields.get());
    }
    return *collected_.emplace(std::move(key), std::move(fields)).first->second;
  }

  void CollectInto(const Type& type, const std::vector<Selection>& selections,
                   std::vector<std::string_view>* visited,
                   std::unordered_map<std::string_view, size_t>* index, CollectedFields* out) {
    for (const Selection& selection : selections) {
      if (out->error) return;
      bool include = true;
      out->error = ShouldInclude(selection.directives, &include);
      if (out->error) return;
      if (!include) continue;
      switch (selection.kind) {
        case SelectionKind::kField:
          AddField(type, selection, index, out);
          break;
        case SelectionKind::kInlineFragment:
          if (!selection.type_condition.empty() && selection.type_condition != type.name) break;
          CollectInto(type, selection.selection_set, visited, index, out);
          break;
        case SelectionKind::kFragmentSpread: {
          if (std::find(visited->begin(), visited->end(), selection.name) != visited->end()) break;
          visited->push_back(selection.name);
          auto it = fragments_.find(selection.name);
          if (it == fragments_.end() || it->second->type_condition != type.name) break;
          CollectInto(type, it->second->selection_set, visited, index, out);
          break;
        }
      }
    }
  }

  void AddField(const Type& type, const Selection& selection,
                std::unordered_map<std::string_view, size_t>* index, CollectedFields* out) {
    const std::string& key = selection.ResponseKey();
    if (auto it = index->find(key); it != index->end()) {
      out->groups[it->second].nodes.push_back(&selection);
      return;
    }
    const Field* definition = nullptr;
    if (selection.name != "__typename") {
      definition = type.FindField(selection.name);
      if (definition == nullptr) definition = schema_.MetaField(type, selection.name);
      if (definition == nullptr) return;  // unknown field: validation reports it; skipped here
    }
    index->emplace(key, out->groups.size());
    FieldGroup group;
    group.response_key = key;
    group.nodes.push_back(&selection);
    group.parent_type = &type;
    group.definition = definition;
    out->groups.push_back(std::move(group));
  }

  // Sets `include` to whether @skip/@include let a selection through; an error when their
  // argument cannot be coerced.
  std::optional<GraphQLError> ShouldInclude(const std::vector<Directive>& directives,
                                            bool* include) {
    for (const Directive& directive : directives) {
      const bool skip = directive.name == "skip";
      if (!skip && directive.name != "include") continue;
      const DirectiveType* type = schema_.FindDirective(directive.name);
      if (type == nullptr) continue;
      auto args = CoerceArgumentValues(type->arguments, directive.arguments, directive.location,
                                       variables_);
      if (auto* error = std::get_if<GraphQLError>(&args)) return std::move(*error);
      const Json& condition = std::get<Json>(args)["if"];
      if (condition.is_boolean() && condition.get<bool>() == skip) *include = false;
    }
    return std::nullopt;
  }

  // ---- Fields (§6.3, §6.4) ----------------------------------------------------------------

  // Executes every field of `fields` on one object value into `out` (an object); false when a
  // non-null field failed, which makes the whole object null.
  bool ExecuteFields(const Type& type, const Json& value, CollectedFields& fields, Json* out) {
    *out = Json::object();
    for (FieldGroup& group : fields.groups) {
      path_.push_back({group.response_key});
      Json field_value;
      const bool ok = ExecuteField(type, value, group, &field_value);
      path_.pop_back();
      if (!ok) return false;
      AppendMember(out, group.response_key, std::move(field_value));
    }
    return true;
  }

  // One field: resolve, then complete. False when its error must propagate (non-null type).
  bool ExecuteField(const Type& parent_type, const Json& parent, FieldGroup& group, Json* out) {
    if (group.definition == nullptr) {  // __typename
      *out = parent_type.name;
      return true;
    }
    const Type& type = *group.definition->type;
    if (TimedOut()) {
      RecordFieldError("Execution timed out.", "TIMEOUT", group);
      return Absorb(type, out);
    }
    const Json* args = Arguments(group);
    if (args == nullptr) {
      GraphQLError error = *group.argument_error;
      error.path = CurrentPath();
      Record(std::move(error));
      return Absorb(type, out);
    }
    if (!group.definition->resolver) {
      const Json* member = DefaultResolve(parent, group.definition->name);
      if (member == nullptr) return CompleteField(type, group, NullJson(), false, out);
      return CompleteField(type, group, *member, false, out);
    }
    Result<Json> resolved = CallResolver(*group.definition, parent_type, parent, *args);
    if (!resolved.ok()) {
      const Status& status = resolved.status();
      RecordFieldError(
          status.message().empty() ? std::string(StatusCodeName(status.code())) : status.message(),
          std::string(ErrorCodeFor(status.code())), group);
      return Absorb(type, out);
    }
    return CompleteField(type, group, *resolved, true, out);
  }

  bool CompleteField(const Type& type, const FieldGroup& group, const Json& value, bool owned,
                     Json* out) {
    if (CompleteValue(type, group, value, owned, out)) return true;
    return Absorb(type, out);
  }

  // After an error at a position of `type`: a nullable position becomes null and the error
  // stops here (true); a non-null one passes it up (false).
  static bool Absorb(const Type& type, Json* out) {
    if (type.kind == TypeKind::kNonNull) return false;
    *out = nullptr;
    return true;
  }

  const Json* Arguments(FieldGroup& group) {
    if (!group.arguments_ready) {
      group.arguments_ready = true;
      const Selection& node = *group.nodes.front();
      auto args = CoerceArgumentValues(group.definition->arguments, node.arguments, node.location,
                                       variables_);
      if (auto* error = std::get_if<GraphQLError>(&args)) {
        group.argument_error = std::move(*error);
      } else {
        group.arguments = std::move(std::get<Json>(args));
      }
    }
    return group.argument_error ? nullptr : &group.arguments;
  }

  static const Json* DefaultResolve(const Json& parent, const std::string& name) {
    if (!parent.is_object()) return nullptr;
    auto it = parent.find(name);
    return it == parent.end() ? nullptr : &*it;
  }

  Result<Json> CallResolver(const Field& field, const Type& parent_type, const Json& parent,
                            const Json& args) {
    ResolveInfo info{parent, args, field.name, parent_type, context_};
    try {
      return field.resolver(info);
    } catch (...) {  // a resolver must not throw; what() may hold internals, so it is not shown
      return Status(StatusCode::kInternal, "Internal error.");
    }
  }

  // ---- Value completion (§6.4.3) ----------------------------------------------------------

  // Completes `value` (which may be moved from when `owned`) into `out`. False when an error was
  // raised at this position (already recorded).
  bool CompleteValue(const Type& type, const FieldGroup& group, const Json& value, bool owned,
                     Json* out) {
    if (type.kind == TypeKind::kNonNull) {
      if (!CompleteValue(*type.of_type, group, value, owned, out)) return false;
      if (!out->is_null()) return true;
      RecordFieldError("Cannot return null for non-nullable field " + ParentFieldName(group) + ".",
                       "", group);
      return false;
    }
    if (value.is_null()) {
      *out = nullptr;
      return true;
    }
    switch (type.kind) {
      case TypeKind::kList:
        return CompleteList(*type.of_type, group, value, owned, out);
      case TypeKind::kObject:
        return CompleteObject(type, group, value, out);
      case TypeKind::kScalar:
      case TypeKind::kEnum:
        return CompleteLeaf(type, group, value, owned, out);
      default:
        RecordFieldError(
            "Cannot complete value of unexpected output type: " + Quoted(type.ToString()) + ".",
            "INTERNAL", group);
        return false;
    }
  }

  bool CompleteList(const Type& item_type, const FieldGroup& group, const Json& value, bool owned,
                    Json* out) {
    if (!value.is_array()) {
      RecordFieldError("Expected Iterable, but did not find one for field " +
                           Quoted(ParentFieldName(group)) + ".",
                       "", group);
      return false;
    }
    *out = Json::array();
    out->get_ref<Json::array_t&>().reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) {
      path_.push_back({{}, static_cast<int>(i)});
      Json item;
      bool ok = CompleteValue(item_type, group, value[i], owned, &item) || Absorb(item_type, &item);
      path_.pop_back();
      if (!ok) return false;
      out->push_back(std::move(item));
    }
    return true;
  }

  bool CompleteObject(const Type& type, const FieldGroup& group, const Json& value, Json* out) {
    CollectedFields& fields = CollectSubfields(type, group);
    if (fields.error) {
      GraphQLError error = *fields.error;
      error.path = CurrentPath();
      Record(std::move(error));
      return false;
    }
    return ExecuteFields(type, value, fields, out);
  }

  bool CompleteLeaf(const Type& type, const FieldGroup& group, const Json& value, bool owned,
                    Json* out) {
    if (type.kind == TypeKind::kScalar && IsPassThrough(type)) {
      *out = owned ? std::move(const_cast<Json&>(value)) : value;
      return true;
    }
    std::string error;
    std::optional<Json> serialized = SerializeLeaf(type, value, &error);
    if (!serialized) {
      RecordFieldError(std::move(error), "", group);
      return false;
    }
    *out = std::move(*serialized);
    return true;
  }

  // Custom scalars (JSON, ...) serialize to themselves: moved rather than copied.
  static bool IsPassThrough(const Type& scalar) {
    const std::string& n = scalar.name;
    return n != "Int" && n != "Float" && n != "String" && n != "Boolean" && n != "ID";
  }

  // ---- Errors -------------------------------------------------------------------------------

  static std::string ParentFieldName(const FieldGroup& group) {
    return group.parent_type->name + "." + group.definition->name;
  }

  std::vector<PathSegment> CurrentPath() const {
    std::vector<PathSegment> path;
    path.reserve(path_.size());
    for (const PathStep& step : path_) {
      if (step.index >= 0) {
        path.emplace_back(step.index);
      } else {
        path.emplace_back(std::string(step.key));
      }
    }
    return path;
  }

  void RecordFieldError(std::string message, std::string code, const FieldGroup& group) {
    GraphQLError error;
    error.message = std::move(message);
    for (const Selection* node : group.nodes) error.locations.push_back(node->location);
    error.path = CurrentPath();
    error.code = std::move(code);
    Record(std::move(error));
  }

  void Record(GraphQLError error) {
    if (options_.max_errors != 0 && errors_.size() >= options_.max_errors) return;
    errors_.push_back(std::move(error));
  }

  bool TimedOut() {
    if (!timed_out_ && Clock::now() >= deadline_) timed_out_ = true;
    return timed_out_;
  }

  using CollectKey = std::pair<const Type*, std::vector<const std::vector<Selection>*>>;

  const Schema& schema_;
  const Json& variables_;
  const std::any& context_;
  const ExecutionOptions& options_;
  const Clock::time_point deadline_;
  bool timed_out_ = false;
  std::map<std::string_view, const FragmentDefinition*> fragments_;
  std::map<CollectKey, std::unique_ptr<CollectedFields>> collected_;
  std::vector<PathStep> path_;
  std::vector<GraphQLError> errors_;
};

const Type* RootType(const Schema& schema, OperationType type) {
  switch (type) {
    case OperationType::kQuery:
      return schema.query_type();
    case OperationType::kMutation:
      return schema.mutation_type();
    case OperationType::kSubscription:
      return nullptr;
  }
  return nullptr;
}

ExecutionResult RequestError(std::string message, std::string code = "") {
  ExecutionResult result;
  result.errors.push_back({std::move(message), {}, {}, std::move(code)});
  return result;
}

}  // namespace

const OperationDefinition* SelectOperation(const Document& document,
                                           const std::optional<std::string>& operation_name) {
  const OperationDefinition* selected = nullptr;
  for (const OperationDefinition& operation : document.operations) {
    if (!operation_name) {
      if (selected != nullptr) return nullptr;  // ambiguous
      selected = &operation;
    } else if (!operation.name.empty() && operation.name == *operation_name) {
      selected = &operation;
    }
  }
  return selected;
}

ExecutionResult Execute(const Schema& schema, const ExecutionRequest& request,
                        const ExecutionOptions& options) {
  const Document& document = *request.document;
  const OperationDefinition* operation = SelectOperation(document, request.operation_name);
  if (operation == nullptr) {
    if (request.operation_name) {
      return RequestError("Unknown operation named " + Quoted(*request.operation_name) + ".",
                          "BAD_USER_INPUT");
    }
    if (document.operations.empty()) {
      return RequestError("Must provide an operation.", "BAD_USER_INPUT");
    }
    return RequestError("Must provide operation name if query contains multiple operations.",
                        "BAD_USER_INPUT");
  }
  if (!request.variables.is_object() && !request.variables.is_null()) {
    return RequestError("Variables must be provided as an object.", "BAD_USER_INPUT");
  }
  auto variables = CoerceVariableValues(schema, *operation, request.variables, options.max_errors);
  if (auto* errors = std::get_if<std::vector<GraphQLError>>(&variables)) {
    ExecutionResult result;
    result.errors = std::move(*errors);
    return result;
  }
  const Json& coerced = std::get<Json>(variables);

  ExecutionResult result;
  result.has_data = true;
  const Type* root = RootType(schema, operation->type);
  if (root == nullptr) {
    result.data = nullptr;
    result.errors.push_back({std::string("Schema is not configured to execute ") +
                                 OperationTypeName(operation->type) + " operation.",
                             {operation->location},
                             {},
                             "BAD_USER_INPUT"});
    return result;
  }
  Executor executor(schema, document, coerced, request.context, options);
  if (!executor.ExecuteRoot(*root, *operation, &result.data)) result.data = nullptr;
  result.errors = executor.TakeErrors();
  return result;
}

Json ExecutionResult::ToJson() const& {
  ExecutionResult copy;
  copy.has_data = has_data;
  copy.data = data;
  copy.errors = errors;
  return std::move(copy).ToJson();
}

Json ExecutionResult::ToJson() && {
  Json out = Json::object();
  if (!errors.empty()) {
    Json list = Json::array();
    for (const GraphQLError& error : errors) list.push_back(error.ToJson());
    out["errors"] = std::move(list);
  }
  if (has_data) out["data"] = std::move(data);
  return out;
}

}  // namespace de::graphql
