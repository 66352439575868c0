#include "api/http_router.h"

#include <cassert>

#include <boost/beast/http/verb.hpp>

namespace de {

void HttpRouter::Add(HttpMethod method, std::string path_or_prefix, HttpHandler handler) {
  assert(!path_or_prefix.empty() && path_or_prefix.front() == '/');
  auto& table = path_or_prefix.back() == '/' ? prefixes_ : exact_;
  table[std::move(path_or_prefix)][method] = std::move(handler);
}

HttpRouter::Match HttpRouter::Find(HttpMethod method, std::string_view path) const {
  if (auto exact = exact_.find(path); exact != exact_.end()) return Choose(exact->second, method);
  const MethodTable* best = nullptr;
  size_t best_length = 0;
  for (const auto& [prefix, methods] : prefixes_) {
    if (path.starts_with(prefix) && prefix.size() >= best_length) {
      best = &methods;
      best_length = prefix.size();
    }
  }
  if (best == nullptr) return Match{};
  return Choose(*best, method);
}

HttpRouter::Match HttpRouter::Choose(const MethodTable& methods, HttpMethod method) {
  auto it = methods.find(method);
  if (it == methods.end() && method == HttpMethod::head) it = methods.find(HttpMethod::get);
  if (it != methods.end()) return Match{Outcome::kFound, &it->second, {}};
  Match match{Outcome::kMethodNotAllowed, nullptr, {}};
  for (const auto& [allowed, handler] : methods) {
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += std::string(boost::beast::http::to_string(allowed));
    if (allowed == HttpMethod::get && !methods.contains(HttpMethod::head)) match.allow += ", HEAD";
  }
  return match;
}

}  // namespace de
