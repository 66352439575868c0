#include "graphql/schema.h"

#include <algorithm>

#include "graphql/schema_builder.h"

namespace de::graphql {

namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const char* TypeKindName(TypeKind kind) {
  switch (kind) {
    case TypeKind::kScalar:
      return "SCALAR";
    case TypeKind::kObject:
      return "OBJECT";
    case TypeKind::kInterface:
      return "INTERFACE";
    case TypeKind::kUnion:
      return "UNION";
    case TypeKind::kEnum:
      return "ENUM";
    case TypeKind::kInputObject:
      return "INPUT_OBJECT";
    case TypeKind::kList:
      return "LIST";
    case TypeKind::kNonNull:
      return "NON_NULL";
  }
  return "SCALAR";
}

const InputValue* Field::FindArgument(std::string_view name) const {
  return FindByName(arguments, name);
}

const Field* Type::FindField(std::string_view name) const { return FindByName(fields, name); }

const InputValue* Type::FindInputField(std::string_view name) const {
  return FindByName(input_fields, name);
}

const EnumValue* Type::FindEnumValue(std::string_view name) const {
  return FindByName(enum_values, name);
}

bool Type::IsInput() const {
  const Type& named = Named();
  return named.kind == TypeKind::kScalar || named.kind == TypeKind::kEnum ||
         named.kind == TypeKind::kInputObject;
}

const Type& Type::Named() const {
  const Type* type = this;
  while (type->of_type != nullptr) type = type->of_type;
  return *type;
}

std::string Type::ToString() const {
  if (kind == TypeKind::kList) return "[" + of_type->ToString() + "]";
  if (kind == TypeKind::kNonNull) return of_type->ToString() + "!";
  return name;
}

const Type* Schema::Find(std::string_view name) const {
  auto it = named_.find(name);
  return it == named_.end() ? nullptr : it->second.get();
}

const DirectiveType* Schema::FindDirective(std::string_view name) const {
  return FindByName(directives_, name);
}

const Field* Schema::MetaField(const Type& parent, std::string_view name) const {
  if (parent.kind != TypeKind::kObject) return nullptr;
  if (name == "__typename") return &typename_field_;
  if (&parent != query_) return nullptr;
  if (name == "__schema") return &schema_field_;
  if (name == "__type") return &type_field_;
  return nullptr;
}

const Type* Schema::ListOf(const Type* type) const {
  std::lock_guard lock(wrappers_mu_);
  const Type*& slot = wrapper_index_[{type, TypeKind::kList}];
  if (slot == nullptr) {
    auto wrapper = std::make_unique<Type>();
    wrapper->kind = TypeKind::kList;
    wrapper->of_type = type;
    slot = wrapper.get();
    wrappers_.push_back(std::move(wrapper));
  }
  return slot;
}

const Type* Schema::NonNullOf(const Type* type) const {
  std::lock_guard lock(wrappers_mu_);
  const Type*& slot = wrapper_index_[{type, TypeKind::kNonNull}];
  if (slot == nullptr) {
    auto wrapper = std::make_unique<Type>();
    wrapper->kind = TypeKind::kNonNull;
    wrapper->of_type = type;
    slot = wrapper.get();
    wrappers_.push_back(std::move(wrapper));
  }
  return slot;
}

const Type* Schema::Resolve(const TypeRef& ref) const {
  if (ref.kind == TypeRef::Kind::kNamed) return Find(ref.name);
  if (ref.of_type.size() != 1) return nullptr;
  const Type* inner = Resolve(ref.of_type.front());
  if (inner == nullptr) return nullptr;
  // T!! is not a type: the parser never builds it, but an AST made by hand might.
  if (ref.kind == TypeRef::Kind::kNonNull) {
    return inner->kind == TypeKind::kNonNull ? nullptr : NonNullOf(inner);
  }
  return ListOf(inner);
}

Status Schema::BindResolver(std::string_view type, std::string_view field, Resolver resolver) {
  auto it = named_.find(type);
  if (it == named_.end() || it->second->kind != TypeKind::kObject) {
    return NotFound("cannot bind a resolver to {}.{}: no object type \"{}\"", type, field, type);
  }
  auto& fields = it->second->fields;
  auto target =
      std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == field; });
  if (target == fields.end()) {
    return NotFound("cannot bind a resolver to {}.{}: type \"{}\" has no field \"{}\"", type, field,
                    type, field);
  }
  if (target->resolver) {
    return FailedPrecondition("{}.{} already has a resolver", type, field);
  }
  target->resolver = std::move(resolver);
  return Status::Ok();
}

Status Schema::CheckRootResolvers() const {
  std::string missing;
  for (const Type* root : {query_, mutation_}) {
    if (root == nullptr) continue;
    for (const Field& field : root->fields) {
      if (field.resolver) continue;
      if (!missing.empty()) missing += ", ";
      missing += root->name + "." + field.name;
    }
  }
  if (missing.empty()) return Status::Ok();
  return FailedPrecondition("root fields without a resolver: {}", missing);
}

Type* Schema::Add(std::unique_ptr<Type> type) {
  Type* raw = type.get();
  named_.emplace(raw->name, std::move(type));
  type_order_.push_back(raw);
  return raw;
}

Result<std::unique_ptr<Schema>> BuildSchema(std::string_view sdl) {
  auto schema = std::make_unique<Schema>();
  SchemaBuilder builder(*schema);
  RETURN_IF_ERROR(builder.Build(sdl));
  return schema;
}

}  // namespace de::graphql
