// OverlappingFieldsCanBeMerged (§5.3.2). For every selection set, the fields it collects (through
// inline fragments) are compared pairwise by response name, then against the fields of each
// spread fragment, then fragments against each other. The collected fields of each selection set
// are cached, and each pair of fragments is compared once (per exclusivity), so the work stays
// bounded by the pairs of fields that share a response name.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "graphql/parser.h"
#include "graphql/validation_context.h"

namespace de::graphql::validation {
namespace {

struct FieldAndDef {
  const Type* parent;  // may be a leaf or nullptr when unknown
  const Selection* node;
  const Field* def;  // nullptr for unknown fields and meta-fields
};

struct FieldsAndFragments {
  std::vector<std::pair<std::string_view, std::vector<FieldAndDef>>> groups;  // by response name
  std::unordered_map<std::string_view, size_t> group_index;
  std::vector<std::string_view> fragment_names;  // spread directly or via inline fragments

  const std::vector<FieldAndDef>* Find(std::string_view response_name) const {
    const auto it = group_index.find(response_name);
    return it == group_index.end() ? nullptr : &groups[it->second].second;
  }
};

struct ConflictReason {
  std::string response_name;
  std::string message;                    // set for a direct conflict
  std::vector<ConflictReason> subfields;  // set for conflicts between subfields
};

struct Conflict {
  ConflictReason reason;
  std::vector<const Selection*> fields1;
  std::vector<const Selection*> fields2;
};

std::string ReasonMessage(const ConflictReason& reason) {
  if (reason.subfields.empty()) return reason.message;
  std::string out;
  for (const ConflictReason& sub : reason.subfields) {
    if (!out.empty()) out += " and ";
    out += "subfields " + Quoted(sub.response_name) + " conflict because " + ReasonMessage(sub);
  }
  return out;
}

bool IsObject(const Type* type) { return type != nullptr && type->kind == TypeKind::kObject; }

// Two types conflict when no value can have both: list and non-null wrappers must match and
// leaves must be the same type; composite types are compared field by field instead.
bool DoTypesConflict(const Type* a, const Type* b) {
  if (IsList(a)) return IsList(b) ? DoTypesConflict(a->of_type, b->of_type) : true;
  if (IsList(b)) return true;
  if (IsNonNull(a)) return IsNonNull(b) ? DoTypesConflict(a->of_type, b->of_type) : true;
  if (IsNonNull(b)) return true;
  if (a->IsLeaf() || b->IsLeaf()) return a != b;
  return false;
}

// A copy with object fields in name order, so {a: 1, b: 2} equals {b: 2, a: 1}.
Value Sorted(const Value& value) {
  Value copy = value;
  for (Value& element : copy.list) element = Sorted(element);
  for (ObjectField& field : copy.fields) field.value = Sorted(field.value);
  std::stable_sort(copy.fields.begin(), copy.fields.end(),
                   [](const ObjectField& a, const ObjectField& b) { return a.name < b.name; });
  return copy;
}

bool SameArguments(const Selection& a, const Selection& b) {
  if (a.arguments.empty() || b.arguments.empty()) return a.arguments.empty() == b.arguments.empty();
  if (a.arguments.size() != b.arguments.size()) return false;
  std::map<std::string_view, const Value*> values;  // the last one of a name wins
  for (const Argument& argument : b.arguments) values[argument.name] = &argument.value;
  for (const Argument& argument : a.arguments) {
    const auto it = values.find(argument.name);
    if (it == values.end()) return false;
    if (PrintValue(Sorted(argument.value)) != PrintValue(Sorted(*it->second))) return false;
  }
  return true;
}

// Fragment pairs already compared; a pair compared as mutually exclusive does not cover the
// stricter comparison as not exclusive.
class PairSet {
 public:
  bool Has(std::string_view a, std::string_view b, bool mutually_exclusive) const {
    const auto it = pairs_.find(Key(a, b));
    if (it == pairs_.end()) return false;
    return mutually_exclusive || !it->second;
  }
  void Add(std::string_view a, std::string_view b, bool mutually_exclusive) {
    pairs_[Key(a, b)] = mutually_exclusive;
  }

 private:
  static std::pair<std::string, std::string> Key(std::string_view a, std::string_view b) {
    return a < b ? std::pair<std::string, std::string>(a, b)
                 : std::pair<std::string, std::string>(b, a);
  }
  std::map<std::pair<std::string, std::string>, bool> pairs_;
};

}  // namespace

struct OverlapChecker::State {
  explicit State(ValidationContext& c) : context(c) {}

  ValidationContext& context;
  std::unordered_map<const std::vector<Selection>*, std::unique_ptr<FieldsAndFragments>> cache;
  PairSet compared;

  const FieldsAndFragments& FieldsOf(const Type* parent, const std::vector<Selection>& set) {
    std::unique_ptr<FieldsAndFragments>& cached = cache[&set];
    if (cached == nullptr) {
      cached = std::make_unique<FieldsAndFragments>();
      Collect(parent, set, *cached);
    }
    return *cached;
  }

  const FieldsAndFragments& FieldsOf(const FragmentDefinition& fragment) {
    return FieldsOf(context.schema().Find(fragment.type_condition), fragment.selection_set);
  }

  void Collect(const Type* parent, const std::vector<Selection>& set, FieldsAndFragments& out) {
    for (const Selection& selection : set) {
      if (selection.kind == SelectionKind::kField) {
        const bool has_fields = parent != nullptr && (parent->kind == TypeKind::kObject ||
                                                      parent->kind == TypeKind::kInterface);
        const Field* def = has_fields ? parent->FindField(selection.name) : nullptr;
        const std::string_view key = selection.ResponseKey();
        auto [it, inserted] = out.group_index.try_emplace(key, out.groups.size());
        if (inserted) out.groups.emplace_back(key, std::vector<FieldAndDef>{});
        out.groups[it->second].second.push_back({parent, &selection, def});
      } else if (selection.kind == SelectionKind::kFragmentSpread) {
        if (std::find(out.fragment_names.begin(), out.fragment_names.end(), selection.name) ==
            out.fragment_names.end()) {
          out.fragment_names.push_back(selection.name);
        }
      } else {
        const Type* type = selection.type_condition.empty()
                               ? parent
                               : context.schema().Find(selection.type_condition);
        Collect(type, selection.selection_set, out);
      }
    }
  }

  std::vector<Conflict> WithinSelectionSet(const Type* parent, const std::vector<Selection>& set) {
    std::vector<Conflict> conflicts;
    const FieldsAndFragments& fields = FieldsOf(parent, set);
    for (const auto& [name, group] : fields.groups) {
      for (size_t i = 0; i < group.size(); ++i) {
        for (size_t j = i + 1; j < group.size(); ++j) {
          AddConflict(conflicts, FindConflict(false, name, group[i], group[j]));
        }
      }
    }
    const std::vector<std::string_view>& names = fields.fragment_names;
    for (size_t i = 0; i < names.size(); ++i) {
      BetweenFieldsAndFragment(conflicts, false, fields, names[i]);
      for (size_t j = i + 1; j < names.size(); ++j) {
        BetweenFragments(conflicts, false, names[i], names[j]);
      }
    }
    return conflicts;
  }

  static void AddConflict(std::vector<Conflict>& conflicts, std::optional<Conflict> conflict) {
    if (conflict.has_value()) conflicts.push_back(std::move(*conflict));
  }

  void BetweenFieldsAndFragment(std::vector<Conflict>& conflicts, bool exclusive,
                                const FieldsAndFragments& fields, std::string_view name) {
    const FragmentDefinition* fragment = context.FindFragment(name);
    if (fragment == nullptr) return;
    const FieldsAndFragments& fragment_fields = FieldsOf(*fragment);
    if (&fields == &fragment_fields) return;
    Between(conflicts, exclusive, fields, fragment_fields);
    for (std::string_view referenced : fragment_fields.fragment_names) {
      if (compared.Has(referenced, name, exclusive)) continue;
      compared.Add(referenced, name, exclusive);
      BetweenFieldsAndFragment(conflicts, exclusive, fields, referenced);
    }
  }

  void BetweenFragments(std::vector<Conflict>& conflicts, bool exclusive, std::string_view name1,
                        std::string_view name2) {
    if (name1 == name2 || compared.Has(name1, name2, exclusive)) return;
    compared.Add(name1, name2, exclusive);
    const FragmentDefinition* fragment1 = context.FindFragment(name1);
    const FragmentDefinition* fragment2 = context.FindFragment(name2);
    if (fragment1 == nullptr || fragment2 == nullptr) return;
    const FieldsAndFragments& fields1 = FieldsOf(*fragment1);
    const FieldsAndFragments& fields2 = FieldsOf(*fragment2);
    Between(conflicts, exclusive, fields1, fields2);
    for (std::string_view referenced : fields2.fragment_names) {
      BetweenFragments(conflicts, exclusive, name1, referenced);
    }
    for (std::string_view referenced : fields1.fragment_names) {
      BetweenFragments(conflicts, exclusive, referenced, name2);
    }
  }

  std::vector<Conflict> BetweenSubSelectionSets(bool exclusive, const Type* parent1,
                                                const std::vector<Selection>& set1,
                                                const Type* parent2,
                                                const std::vector<Selection>& set2) {
    std::vector<Conflict> conflicts;
    const FieldsAndFragments& fields1 = FieldsOf(parent1, set1);
    const FieldsAndFragments& fields2 = FieldsOf(parent2, set2);
    Between(conflicts, exclusive, fields1, fields2);
    for (std::string_view name : fields2.fragment_names) {
      BetweenFieldsAndFragment(conflicts, exclusive, fields1, name);
    }
    for (std::string_view name : fields1.fragment_names) {
      BetweenFieldsAndFragment(conflicts, exclusive, fields2, name);
    }
    for (std::string_view name1 : fields1.fragment_names) {
      for (std::string_view name2 : fields2.fragment_names) {
        BetweenFragments(conflicts, exclusive, name1, name2);
      }
    }
    return conflicts;
  }

  void Between(std::vector<Conflict>& conflicts, bool exclusive, const FieldsAndFragments& fields1,
               const FieldsAndFragments& fields2) {
    for (const auto& [name, group1] : fields1.groups) {
      const std::vector<FieldAndDef>* group2 = fields2.Find(name);
      if (group2 == nullptr) continue;
      for (const FieldAndDef& field1 : group1) {
        for (const FieldAndDef& field2 : *group2) {
          AddConflict(conflicts, FindConflict(exclusive, name, field1, field2));
        }
      }
    }
  }

  std::optional<Conflict> FindConflict(bool parents_exclusive, std::string_view response_name,
                                       const FieldAndDef& field1, const FieldAndDef& field2) {
    const bool exclusive =
        parents_exclusive ||
        (field1.parent != field2.parent && IsObject(field1.parent) && IsObject(field2.parent));
    const Selection& node1 = *field1.node;
    const Selection& node2 = *field2.node;
    const Type* type1 = field1.def != nullptr ? field1.def->type : nullptr;
    const Type* type2 = field2.def != nullptr ? field2.def->type : nullptr;
    const auto direct = [&](std::string message) {
      return Conflict{{std::string(response_name), std::move(message), {}}, {&node1}, {&node2}};
    };
    if (!exclusive) {
      if (node1.name != node2.name) {
        return direct(Quoted(node1.name) + " and " + Quoted(node2.name) + " are different fields");
      }
      if (!SameArguments(node1, node2)) return direct("they have differing arguments");
    }
    if (type1 != nullptr && type2 != nullptr && DoTypesConflict(type1, type2)) {
      return direct("they return conflicting types " + Quoted(type1->ToString()) + " and " +
                    Quoted(type2->ToString()));
    }
    if (node1.selection_set.empty() || node2.selection_set.empty()) return std::nullopt;
    std::vector<Conflict> subfields = BetweenSubSelectionSets(
        exclusive, NamedOf(type1), node1.selection_set, NamedOf(type2), node2.selection_set);
    if (subfields.empty()) return std::nullopt;
    Conflict conflict{{std::string(response_name), "", {}}, {&node1}, {&node2}};
    for (Conflict& sub : subfields) {
      conflict.reason.subfields.push_back(std::move(sub.reason));
      conflict.fields1.insert(conflict.fields1.end(), sub.fields1.begin(), sub.fields1.end());
      conflict.fields2.insert(conflict.fields2.end(), sub.fields2.begin(), sub.fields2.end());
    }
    return conflict;
  }
};

OverlapChecker::OverlapChecker(ValidationContext& context)
    : state_(std::make_unique<State>(context)) {}

OverlapChecker::~OverlapChecker() = default;

void OverlapChecker::EnterSelectionSet(const Type* parent_type,
                                       const std::vector<Selection>& selections) {
  for (const Conflict& conflict : state_->WithinSelectionSet(parent_type, selections)) {
    std::vector<SourceLocation> locations;
    for (const Selection* field : conflict.fields1) locations.push_back(field->location);
    for (const Selection* field : conflict.fields2) locations.push_back(field->location);
    state_->context.Report("Fields " + Quoted(conflict.reason.response_name) +
                               " conflict because " + ReasonMessage(conflict.reason) +
                               ". Use different aliases on the fields to fetch both if this was "
                               "intentional.",
                           std::move(locations));
  }
}

}  // namespace de::graphql::validation
