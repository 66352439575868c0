// Fragment rules: NoFragmentCycles, NoUnusedFragments, and graphql-core's
// MaxIntrospectionDepthRule (which follows fragments too).
#include <set>
#include <string>
#include <utility>

#include "graphql/validation_context.h"

namespace de::graphql::validation {
namespace {

constexpr int kMaxIntrospectionListDepth = 3;

bool IsIntrospectionList(std::string_view name) {
  return name == "fields" || name == "interfaces" || name == "possibleTypes" ||
         name == "inputFields";
}

// graphql-core's _check_depth. Fragments already on the path are not entered again; a fragment
// found harmless at a depth is not searched again at that depth (graphql-core searches it once
// per path, which grows exponentially with fragments spreading fragments twice).
class IntrospectionDepth {
 public:
  explicit IntrospectionDepth(ValidationContext& context) : context_(context) {}

  bool TooDeep(const std::vector<Selection>& selections, int depth) {
    for (const Selection& selection : selections) {
      if (TooDeep(selection, depth)) return true;
    }
    return false;
  }

  bool TooDeep(const Selection& node, int depth) {
    if (node.kind == SelectionKind::kFragmentSpread) {
      const FragmentDefinition* fragment = context_.FindFragment(node.name);
      if (fragment == nullptr || on_path_.count(node.name) > 0) return false;
      if (harmless_.count({node.name, depth}) > 0) return false;
      on_path_.insert(node.name);
      const bool deep = TooDeep(fragment->selection_set, depth);
      on_path_.erase(node.name);
      if (!deep) harmless_.insert({node.name, depth});
      return deep;
    }
    if (node.kind == SelectionKind::kField && IsIntrospectionList(node.name)) {
      if (++depth >= kMaxIntrospectionListDepth) return true;
    }
    return TooDeep(node.selection_set, depth);
  }

 private:
  ValidationContext& context_;
  std::set<std::string, std::less<>> on_path_;
  std::set<std::pair<std::string, int>> harmless_;
};

}  // namespace

void FragmentCycleDetector::Enter(ValidationContext& context, const FragmentDefinition& fragment) {
  Detect(context, fragment);
}

// A depth-first search that keeps going after a cycle, to report every cycle once.
void FragmentCycleDetector::Detect(ValidationContext& context, const FragmentDefinition& fragment) {
  if (!visited_.insert(fragment.name).second) return;
  const std::vector<const Selection*>& spreads = context.FragmentSpreads(fragment.selection_set);
  if (spreads.empty()) return;
  path_index_[fragment.name] = spread_path_.size();
  for (const Selection* spread : spreads) {
    if (context.aborted()) break;
    const auto cycle_start = path_index_.find(spread->name);
    spread_path_.push_back(spread);
    if (cycle_start == path_index_.end()) {
      if (const FragmentDefinition* next = context.FindFragment(spread->name)) {
        Detect(context, *next);
      }
    } else {
      std::string via;
      std::vector<SourceLocation> locations;
      for (size_t i = cycle_start->second; i < spread_path_.size(); ++i) {
        locations.push_back(spread_path_[i]->location);
        if (i + 1 == spread_path_.size()) continue;
        via += (via.empty() ? "" : ", ") + Quoted(spread_path_[i]->name);
      }
      context.Report("Cannot spread fragment " + Quoted(spread->name) + " within itself" +
                         (via.empty() ? "." : " via " + via + "."),
                     std::move(locations));
    }
    spread_path_.pop_back();
  }
  path_index_.erase(fragment.name);
}

void CheckUnusedFragments(ValidationContext& context) {
  std::set<std::string_view> used;
  for (const OperationDefinition& operation : context.document().operations) {
    for (const FragmentDefinition* fragment : context.ReferencedFragments(operation)) {
      used.insert(fragment->name);
    }
  }
  for (const FragmentDefinition& fragment : context.document().fragments) {
    if (used.count(fragment.name) > 0) continue;
    context.Report("Fragment " + Quoted(fragment.name) + " is never used.", {fragment.location});
  }
}

bool IntrospectionTooDeep(ValidationContext& context, const Selection& field) {
  return IntrospectionDepth(context).TooDeep(field, 0);
}

}  // namespace de::graphql::validation
