// How the export API's resolver files bind their C++ handlers to fields of api/schema.graphql:
// a table of (type, field, handler) rows bound in one loop, and the caller check the admin-only
// fields share. Internal to api/.
#pragma once

#include <any>
#include <span>
#include <string_view>

#include "api/auth.h"
#include "api/export_api.h"
#include "common/status.h"
#include "graphql/schema.h"

namespace de {

// A resolver over the API's collaborators.
using ApiResolver = Result<graphql::Json> (*)(const ExportApiDeps&, const graphql::ResolveInfo&);

struct ResolverBinding {
  std::string_view type;
  std::string_view field;
  ApiResolver resolver;
};

// Binds every row of `bindings` to `schema`, each with a copy of `deps` (whose pointers must
// outlive the schema). Errors: BindResolver's (the SDL lacks a field).
inline Status BindResolvers(graphql::Schema& schema, const ExportApiDeps& deps,
                            std::span<const ResolverBinding> bindings) {
  for (const ResolverBinding& binding : bindings) {
    ApiResolver resolver = binding.resolver;
    RETURN_IF_ERROR(schema.BindResolver(
        binding.type, binding.field,
        [deps, resolver](const graphql::ResolveInfo& info) { return resolver(deps, info); }));
  }
  return Status::Ok();
}

// True when the request's caller (the GraphQL context holds an ApiCaller) may call admin fields.
inline bool IsAdminCaller(const graphql::ResolveInfo& info) {
  const ApiCaller* caller = std::any_cast<ApiCaller>(&info.context);
  return caller != nullptr && caller->admin();
}

}  // namespace de
