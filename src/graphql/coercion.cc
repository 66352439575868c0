// Input coercion (§3.5, §3.10, §3.11) of JSON values and literals, and of variables and arguments.
#include "graphql/coercion.h"

#include <functional>
#include <string>

#include "graphql/executor.h"
#include "graphql/inspect.h"
#include "graphql/parser.h"
#include "graphql/scalars.h"

namespace de::graphql {
namespace {

using Path = std::vector<PathSegment>;
// Receives each problem of a JSON value: where inside it, the offending part, and why.
using OnInputError = std::function<void(const Path&, const Json&, std::string)>;

// ".a[1].b", as graphql-js's printPathArray writes paths inside a value.
std::string PrintPath(const Path& path) {
  std::string out;
  for (const PathSegment& segment : path) {
    if (const auto* key = std::get_if<std::string>(&segment)) {
      out += "." + *key;
    } else {
      out += "[" + std::to_string(std::get<int>(segment)) + "]";
    }
  }
  return out;
}

std::string UnknownFieldMessage(const Type& type, std::string_view name) {
  std::vector<std::string_view> names;
  for (const InputValue& field : type.input_fields) names.push_back(field.name);
  return "Field " + Quoted(name) + " is not defined by type " + Quoted(type.name) + "." +
         DidYouMean(SuggestionList(name, names));
}

// Coerces a JSON value, reporting every problem to `on_error` (coercion goes on past the first so
// that all of them are reported); nullopt when there was at least one.
class JsonInputCoercer {
 public:
  explicit JsonInputCoercer(OnInputError on_error) : on_error_(std::move(on_error)) {}

  std::optional<Json> Coerce(const Type& type, const Json& value) {
    if (type.kind == TypeKind::kNonNull) {
      if (!value.is_null()) return Coerce(*type.of_type, value);
      on_error_(path_, value,
                "Expected non-nullable type " + Quoted(type.ToString()) + " not to be None.");
      return std::nullopt;
    }
    if (value.is_null()) return Json(nullptr);
    switch (type.kind) {
      case TypeKind::kList:
        return CoerceList(*type.of_type, value);
      case TypeKind::kInputObject:
        return CoerceObject(type, value);
      default:
        return CoerceLeaf(type, value);
    }
  }

 private:
  std::optional<Json> CoerceList(const Type& item_type, const Json& value) {
    if (!value.is_array()) {  // a single value stands for a list of one
      auto item = Coerce(item_type, value);
      if (!item) return std::nullopt;
      return Json::array({std::move(*item)});
    }
    Json out = Json::array();
    bool ok = true;
    for (size_t i = 0; i < value.size(); ++i) {
      path_.emplace_back(static_cast<int>(i));
      auto item = Coerce(item_type, value[i]);
      path_.pop_back();
      if (item) {
        out.push_back(std::move(*item));
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<Json> CoerceObject(const Type& type, const Json& value) {
    if (!value.is_object()) {
      on_error_(path_, value, "Expected type " + Quoted(type.name) + " to be a mapping.");
      return std::nullopt;
    }
    Json out = Json::object();
    bool ok = true;
    for (const InputValue& field : type.input_fields) {
      auto it = value.find(field.name);
      if (it == value.end()) {
        if (field.default_value) {
          out[field.name] = *field.default_value;
        } else if (field.type->kind == TypeKind::kNonNull) {
          on_error_(path_, value,
                    "Field " + Quoted(field.name) + " of required type " +
                        Quoted(field.type->ToString()) + " was not provided.");
          ok = false;
        }
        continue;
      }
      path_.emplace_back(field.name);
      auto coerced = Coerce(*field.type, *it);
      path_.pop_back();
      if (coerced) {
        out[field.name] = std::move(*coerced);
      } else {
        ok = false;
      }
    }
    for (const auto& [name, member] : value.items()) {
      if (type.FindInputField(name) != nullptr) continue;
      on_error_(path_, value, UnknownFieldMessage(type, name));
      ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<Json> CoerceLeaf(const Type& type, const Json& value) {
    std::string error;
    auto out = ParseLeafValue(type, value, &error);
    if (!out) on_error_(path_, value, std::move(error));
    return out;
  }

  OnInputError on_error_;
  Path path_;
};

bool IsMissingVariable(const Value& value, const Json& variables) {
  return value.kind == ValueKind::kVariable &&
         (!variables.is_object() || !variables.contains(value.text));
}

std::optional<Json> Fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

std::optional<Json> CoerceListLiteral(const Type& item_type, const Value& literal,
                                      const Json& variables, std::string* error) {
  if (literal.kind != ValueKind::kList) {
    auto item = CoerceLiteral(item_type, literal, variables, error);
    if (!item) return std::nullopt;
    return Json::array({std::move(*item)});
  }
  Json out = Json::array();
  for (const Value& item : literal.list) {
    if (IsMissingVariable(item, variables)) {
      if (item_type.kind == TypeKind::kNonNull) {
        return Fail(error, "Variable '$" + item.text + "' of required type " +
                               Quoted(item_type.ToString()) + " was not provided.");
      }
      out.push_back(nullptr);
      continue;
    }
    auto coerced = CoerceLiteral(item_type, item, variables, error);
    if (!coerced) return std::nullopt;
    out.push_back(std::move(*coerced));
  }
  return out;
}

std::optional<Json> CoerceObjectLiteral(const Type& type, const Value& literal,
                                        const Json& variables, std::string* error) {
  if (literal.kind != ValueKind::kObject) {
    return Fail(error, "Expected value of type " + Quoted(type.name) + ", found " +
                           PrintValue(literal) + ".");
  }
  for (const ObjectField& given : literal.fields) {
    if (type.FindInputField(given.name) == nullptr) {
      return Fail(error, UnknownFieldMessage(type, given.name));
    }
  }
  Json out = Json::object();
  for (const InputValue& field : type.input_fields) {
    const Value* given = nullptr;
    for (const ObjectField& f : literal.fields) {
      if (f.name == field.name) given = &f.value;
    }
    if (given == nullptr || IsMissingVariable(*given, variables)) {
      if (field.default_value) {
        out[field.name] = *field.default_value;
      } else if (field.type->kind == TypeKind::kNonNull) {
        return Fail(error, "Field " + Quoted(type.name + "." + field.name) + " of required type " +
                               Quoted(field.type->ToString()) + " was not provided.");
      }
      continue;
    }
    auto coerced = CoerceLiteral(*field.type, *given, variables, error);
    if (!coerced) return std::nullopt;
    out[field.name] = std::move(*coerced);
  }
  return out;
}

}  // namespace

std::optional<Json> CoerceInputValue(const Type& type, const Json& value, std::string* error) {
  std::string first;
  bool failed = false;
  JsonInputCoercer coercer([&](const Path& path, const Json& invalid, std::string message) {
    if (failed) return;
    failed = true;
    first = path.empty() ? std::move(message)
                         : "Invalid value " + Inspect(invalid) + " at 'value" + PrintPath(path) +
                               "': " + message;
  });
  auto out = coercer.Coerce(type, value);
  if (!out && error != nullptr) *error = std::move(first);
  return out;
}

std::optional<Json> CoerceLiteral(const Type& type, const Value& literal, const Json& variables,
                                  std::string* error) {
  if (literal.kind == ValueKind::kVariable) {
    if (IsMissingVariable(literal, variables)) {
      return Fail(error, "Variable '$" + literal.text + "' was not provided.");
    }
    const Json& value = variables[literal.text];
    if (value.is_null() && type.kind == TypeKind::kNonNull) {
      return Fail(error, "Variable '$" + literal.text + "' of non-null type " +
                             Quoted(type.ToString()) + " must not be null.");
    }
    return value;  // already coerced for the variable's type, which validation matched
  }
  if (type.kind == TypeKind::kNonNull) {
    if (literal.kind == ValueKind::kNull) {
      return Fail(error, "Expected value of type " + Quoted(type.ToString()) + ", found null.");
    }
    return CoerceLiteral(*type.of_type, literal, variables, error);
  }
  if (literal.kind == ValueKind::kNull) return Json(nullptr);
  switch (type.kind) {
    case TypeKind::kList:
      return CoerceListLiteral(*type.of_type, literal, variables, error);
    case TypeKind::kInputObject:
      return CoerceObjectLiteral(type, literal, variables, error);
    default:
      return ParseLeafLiteral(type, literal, variables, error);
  }
}

std::variant<Json, std::vector<GraphQLError>> CoerceVariableValues(
    const Schema& schema, const OperationDefinition& operation, const Json& inputs,
    size_t max_errors) {
  std::vector<GraphQLError> errors;
  bool aborted = false;
  auto report = [&](std::string message, SourceLocation location) {
    if (aborted) return;
    if (max_errors != 0 && errors.size() >= max_errors) {
      errors.push_back(
          {"Too many errors processing variables, error limit reached. Execution "
           "aborted.",
           {},
           {},
           "BAD_USER_INPUT"});
      aborted = true;
      return;
    }
    errors.push_back({std::move(message), {location}, {}, "BAD_USER_INPUT"});
  };
  static const Json kNoInputs = Json::object();
  const Json& given = inputs.is_object() ? inputs : kNoInputs;

  Json coerced = Json::object();
  for (const VariableDefinition& def : operation.variables) {
    if (aborted) break;
    const std::string var = Quoted("$" + def.name);
    const Type* type = schema.Resolve(def.type);
    if (type == nullptr || !type->IsInput()) {
      report("Variable " + var + " expected value of type " + Quoted(def.type.ToString()) +
                 " which cannot be used as an input type.",
             def.type.location);
      continue;
    }
    auto it = given.find(def.name);
    if (it == given.end()) {
      if (def.default_value) {
        if (auto value = CoerceLiteral(*type, *def.default_value, Json::object(), nullptr)) {
          coerced[def.name] = std::move(*value);
        }
      } else if (type->kind == TypeKind::kNonNull) {
        report("Variable " + var + " of required type " + Quoted(type->ToString()) +
                   " was not provided.",
               def.location);
      }
      continue;
    }
    if (it->is_null() && type->kind == TypeKind::kNonNull) {
      report("Variable " + var + " of non-null type " + Quoted(type->ToString()) +
                 " must not be null.",
             def.location);
      continue;
    }
    JsonInputCoercer coercer([&](const Path& path, const Json& invalid, std::string message) {
      std::string prefix = "Variable " + var + " got invalid value " + Inspect(invalid);
      if (!path.empty()) prefix += " at " + Quoted(def.name + PrintPath(path));
      report(prefix + "; " + message, def.location);
    });
    if (auto value = coercer.Coerce(*type, *it)) coerced[def.name] = std::move(*value);
  }
  if (!errors.empty()) return errors;
  return coerced;
}

std::variant<Json, GraphQLError> CoerceArgumentValues(const std::vector<InputValue>& definitions,
                                                      const std::vector<Argument>& arguments,
                                                      SourceLocation node_location,
                                                      const Json& variables) {
  Json coerced = Json::object();
  auto error = [](std::string message, SourceLocation location) {
    return GraphQLError{std::move(message), {location}, {}, "BAD_USER_INPUT"};
  };
  for (const InputValue& def : definitions) {
    const Argument* given = nullptr;
    for (const Argument& arg : arguments) {
      if (arg.name == def.name) given = &arg;
    }
    const std::string name = Quoted(def.name);
    const bool non_null = def.type->kind == TypeKind::kNonNull;
    if (given == nullptr || IsMissingVariable(given->value, variables)) {
      if (def.default_value) {
        coerced[def.name] = *def.default_value;
      } else if (non_null && given == nullptr) {
        return error("Argument " + name + " of required type " + Quoted(def.type->ToString()) +
                         " was not provided.",
                     node_location);
      } else if (non_null) {
        return error("Argument " + name + " of required type " + Quoted(def.type->ToString()) +
                         " was provided the variable " + Quoted("$" + given->value.text) +
                         " which was not provided a runtime value.",
                     given->value.location);
      }
      continue;
    }
    const Value& value = given->value;
    const bool is_null = value.kind == ValueKind::kNull ||
                         (value.kind == ValueKind::kVariable && variables[value.text].is_null());
    if (is_null && non_null) {
      return error("Argument " + name + " of non-null type " + Quoted(def.type->ToString()) +
                       " must not be null.",
                   value.location);
    }
    auto result = CoerceLiteral(*def.type, value, variables, nullptr);
    if (!result) {
      return error("Argument " + name + " has invalid value " + PrintValue(value) + ".",
                   value.location);
    }
    coerced[def.name] = std::move(*result);
  }
  return coerced;
}

}  // namespace de::graphql
