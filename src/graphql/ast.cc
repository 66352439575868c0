#include "graphql/ast.h"

namespace de::graphql {
namespace {

void AppendType(const TypeRef& type, std::string* out) {
  switch (type.kind) {
    case TypeRef::Kind::kNamed:
      out->append(type.name);
      return;
    case TypeRef::Kind::kList:
      out->push_back('[');
      if (!type.of_type.empty()) AppendType(type.of_type.front(), out);
      out->push_back(']');
      return;
    case TypeRef::Kind::kNonNull:
      if (!type.of_type.empty()) AppendType(type.of_type.front(), out);
      out->push_back('!');
      return;
  }
}

}  // namespace

std::string TypeRef::ToString() const {
  std::string out;
  AppendType(*this, &out);
  return out;
}

const char* OperationTypeName(OperationType type) {
  switch (type) {
    case OperationType::kQuery:
      return "query";
    case OperationType::kMutation:
      return "mutation";
    case OperationType::kSubscription:
      return "subscription";
  }
  return "query";
}

}  // namespace de::graphql
