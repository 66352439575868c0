#include "policy/demo_policy.h"

#include "warehouse/sqlite/demo_warehouse.h"

namespace de {

PolicySnapshot DemoPolicySnapshot() {
  DemoPolicyRows demo = DemoPolicy();
  PolicySnapshot policy;
  for (const DemoExportTable& t : demo.export_tables) {
    policy.export_tables.push_back(
        {t.table_name, t.enabled, t.time_column, t.source_column, t.metric_column});
  }
  for (const DemoColumnClassification& c : demo.column_classifications) {
    policy.columns.push_back({c.table_name, c.column_name, c.classification, c.treatment, c.pii});
  }
  for (const DemoSourceClassification& s : demo.source_classifications) {
    policy.sources.push_back({s.source, s.classification});
  }
  for (const DemoMetricClassification& m : demo.metric_classifications) {
    policy.metrics.push_back({m.table_name, m.metric_name, m.classification, m.treatment});
  }
  return policy;
}

}  // namespace de
