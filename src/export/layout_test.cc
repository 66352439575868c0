#include "export/layout.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "export/manifest.h"

namespace de {
namespace {

TEST(OnDemandLayoutTest, KeysExactlyAsDocumented) {
  OnDemandLayout layout("exports", "prod");
  // 2026-11-20T00:00:00Z .. +1 day
  EXPECT_EQ(layout.DataFile("way", 1795132800, 1795219200, 0),
            "exports/prod/data_exporter_service/way/20261120/1795132800_1795219200/"
            "way_000.parquet");
  EXPECT_EQ(layout.DataFile("way", 1795132800, 1795219200, 12),
            "exports/prod/data_exporter_service/way/20261120/1795132800_1795219200/"
            "way_012.parquet");
  EXPECT_EQ(layout.Manifest("cctv", 1795132800, 1795136400),
            "exports/prod/data_exporter_service/cctv/20261120/1795132800_1795136400/manifest");
}

TEST(OnDemandLayoutTest, DateIsUtcDateOfStart) {
  OnDemandLayout layout("", "dev");
  // 23:59:59 UTC on 2024-02-29 (leap day) to an hour later, across midnight.
  EXPECT_EQ(layout.Directory("t", 1709251199, 1709254799),
            "dev/data_exporter_service/t/20240229/1709251199_1709254799");
  EXPECT_EQ(UtcIso8601(1709251199), "2024-02-29T23:59:59Z");
  EXPECT_EQ(UtcDateCompact(0), "19700101");
}

TEST(ManifestTest, RedshiftVerboseShapePlusExportBlock) {
  Schema schema{{{"id", DataType::Int64(), false},
                 {"amount", DataType::Decimal(12, 2), true},
                 {"at", DataType::Timestamp(true), true}}};
  ManifestExport info;
  info.request_id = "123e4567-e89b-42d3-a456-426614174000";
  info.table = "way";
  info.start_time = 0;
  info.end_time = 60;
  info.policy_version = 3;
  info.rows_read = 10;
  info.rows_dropped_by_policy = 4;
  info.rows_written = 6;
  info.unclassified_columns = {"new_col"};
  std::string text = RenderManifest({{"file:///x/way_000.parquet", 1234, 6}}, schema, info);
  auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["entries"][0]["url"], "file:///x/way_000.parquet");
  EXPECT_EQ(json["entries"][0]["meta"]["content_length"], 1234);
  EXPECT_EQ(json["entries"][0]["meta"]["record_count"], 6);
  EXPECT_EQ(json["schema"]["elements"][0]["name"], "id");
  EXPECT_EQ(json["schema"]["elements"][0]["type"]["base"], "bigint");
  EXPECT_EQ(json["schema"]["elements"][1]["type"]["base"], "numeric");
  EXPECT_EQ(json["schema"]["elements"][1]["type"]["precision"], 12);
  EXPECT_EQ(json["schema"]["elements"][1]["type"]["scale"], 2);
  EXPECT_EQ(json["schema"]["elements"][2]["type"]["base"], "timestamp with time zone");
  EXPECT_EQ(json["author"]["name"], "data-exporter");
  EXPECT_EQ(json["export"]["policy_version"], 3);
  EXPECT_EQ(json["export"]["rows_dropped_by_policy"], 4);
  EXPECT_EQ(json["export"]["unclassified_columns"][0], "new_col");
  EXPECT_EQ(json["export"]["end"], "1970-01-01T00:01:00Z");
}

}  // namespace
}  // namespace de
