#include "policy/text_treatments.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace de {
namespace {

// The rounded text, or nullopt when RoundCoordinatesInto refuses it.
std::optional<std::string> Round(std::string_view text, int decimals) {
  std::string out;
  if (!RoundCoordinatesInto(text, decimals, &out)) return std::nullopt;
  return out;
}

std::string Scrub(std::string_view text) {
  std::string out;
  ScrubInto(text, &out);
  return out;
}

struct RoundCase {
  std::string_view input;
  int decimals;
  std::string_view expected;
};

// Checks the exact output, then that rounding the output again is valid and changes nothing.
void ExpectRounds(const RoundCase& c) {
  SCOPED_TRACE(testing::Message() << "input: " << c.input << " decimals: " << c.decimals);
  const std::optional<std::string> once = Round(c.input, c.decimals);
  ASSERT_TRUE(once.has_value());
  EXPECT_EQ(*once, c.expected);
  const std::optional<std::string> twice = Round(*once, c.decimals);
  ASSERT_TRUE(twice.has_value());
  EXPECT_EQ(*twice, *once);
}

// ---------------------------------------------------------------------------------------------
// Decimal rounding, checked through both syntaxes.

struct NumberCase {
  std::string_view number;
  int decimals;
  std::string expected;
};

// Valid in JSON and in WKT.
const std::vector<NumberCase> kNumberCases = {
    {"144.963150", 4, "144.9632"},
    {"-37.00004", 4, "-37"},
    {"1.5e-3", 2, "0"},
    {"2.5e2", 4, "250"},
    {"0.00005", 4, "0.0001"},
    {"-0.00005", 4, "-0.0001"},
    {"-0.00004", 4, "0"},
    {"0.99996", 4, "1"},
    {"99.99996", 4, "100"},
    {"-99.99995", 4, "-100"},
    {"9.5", 0, "10"},
    {"2.5", 0, "3"},
    {"-2.5", 0, "-3"},
    {"0.5", 0, "1"},
    {"0.4", 0, "0"},
    {"-0.4", 0, "0"},
    {"-0", 4, "0"},
    {"0", 4, "0"},
    {"0.000", 2, "0"},
    {"-0.0e5", 2, "0"},
    {"12", 2, "12"},
    {"1200", 2, "1200"},
    {"1200.00", 0, "1200"},
    {"1.10", 2, "1.1"},
    {"1.125", 2, "1.13"},
    {"0.285", 2, "0.29"},  // 0.28499999999999998 as a double
    {"1.005", 2, "1.01"},  // 1.00499999999999989 as a double
    {"1.0049999", 2, "1"},
    {"1E+2", 0, "100"},
    {"1e0", 3, "1"},
    {"123.456e-2", 2, "1.23"},
    {"5e-5", 4, "0.0001"},
    {"4.9999e-5", 4, "0"},
    {"0.000012345", 7, "0.0000123"},
    {"1e-400", 4, "0"},
    {"12345678901234567890.5", 0, "12345678901234567891"},
    {"0.123456789012345678", 15, "0.123456789012346"},
    {"1.5", 15, "1.5"},
    {"-7.25E-1", 1, "-0.7"},
    {"-7.25E-1", 15, "-0.725"},
    {"1e300", 0, "1" + std::string(300, '0')},
};

TEST(RoundCoordinatesTest, RoundsNumbersExactlyInWkt) {
  for (const NumberCase& c : kNumberCases) {
    const std::string input = "POINT (" + std::string(c.number) + " 1)";
    const std::string expected = "POINT (" + c.expected + " 1)";
    ExpectRounds({input, c.decimals, expected});
  }
}

TEST(RoundCoordinatesTest, RoundsNumbersExactlyInGeoJson) {
  for (const NumberCase& c : kNumberCases) {
    const std::string input = R"({"type":"Point","coordinates":[)" + std::string(c.number) + ",1]}";
    const std::string expected = R"({"type":"Point","coordinates":[)" + c.expected + ",1]}";
    ExpectRounds({input, c.decimals, expected});
  }
}

TEST(RoundCoordinatesTest, WktAcceptsItsOwnNumberForms) {
  ExpectRounds({"POINT (+1.5 .25)", 0, "POINT (2 0)"});
  ExpectRounds({"POINT (5. -.25)", 1, "POINT (5 -0.3)"});
  ExpectRounds({"POINT (1.23e+1 -1.23E-1)", 1, "POINT (12.3 -0.1)"});
}

TEST(RoundCoordinatesTest, NegativeDecimalsAreRefused) {
  EXPECT_EQ(Round("POINT (1 2)", -1), std::nullopt);
  EXPECT_EQ(Round(R"({"type":"Point","coordinates":[1,2]})", -1), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// WKT

TEST(RoundCoordinatesTest, WktGeometryTypes) {
  const std::vector<RoundCase> cases = {
      {"POINT (1.234 5.678)", 2, "POINT (1.23 5.68)"},
      {"point(1.234 5.678)", 2, "point(1.23 5.68)"},
      {"POINT Z (1.234 5.678 9.999)", 2, "POINT Z (1.23 5.68 10)"},
      {"POINT M (1.234 5.678 9.999)", 2, "POINT M (1.23 5.68 10)"},
      {"POINT ZM (1.111 2.222 3.333 4.444)", 1, "POINT ZM (1.1 2.2 3.3 4.4)"},
      {"POINTZ(1.111 2.222 3.333)", 1, "POINTZ(1.1 2.2 3.3)"},
      {"pointm(1.111 2.222 3.333)", 1, "pointm(1.1 2.2 3.3)"},
      {"POINT (1.111 2.222 3.333)", 1, "POINT (1.1 2.2 3.3)"},  // EWKT 3D without a tag
      {"POINT EMPTY", 2, "POINT EMPTY"},
      {"POINT Z EMPTY", 2, "POINT Z EMPTY"},
      {"LINESTRING (30.001 10.009, 10.005 30, 40 40.0)", 2,
       "LINESTRING (30 10.01, 10.01 30, 40 40)"},
      {"LINESTRING EMPTY", 2, "LINESTRING EMPTY"},
      {"POLYGON ((35.55 10.44, 45.55 45.44, 15.55 40.44, 10.55 20.44, 35.55 10.44), "
       "(20.55 30.44, 35.55 35.44, 30.55 20.44, 20.55 30.44))",
       1,
       "POLYGON ((35.6 10.4, 45.6 45.4, 15.6 40.4, 10.6 20.4, 35.6 10.4), "
       "(20.6 30.4, 35.6 35.4, 30.6 20.4, 20.6 30.4))"},
      {"MULTIPOINT ((10.001 40.009), (40 30))", 2, "MULTIPOINT ((10 40.01), (40 30))"},
      {"MULTIPOINT (10.001 40.009, 40 30)", 2, "MULTIPOINT (10 40.01, 40 30)"},
      {"MULTIPOINT (EMPTY, (1.55 2.45), 3.5 4)", 0, "MULTIPOINT (EMPTY, (2 2), 4 4)"},
      {"MULTILINESTRING ((10.06 10.04, 20 20), EMPTY, (40 40, 30.05 30))", 1,
       "MULTILINESTRING ((10.1 10, 20 20), EMPTY, (40 40, 30.1 30))"},
      {"MULTIPOLYGON (((30.04 20, 45 40, 10 40, 30.04 20)), ((15 5, 40 10, 10 20, 5 10, 15 5)))", 1,
       "MULTIPOLYGON (((30 20, 45 40, 10 40, 30 20)), ((15 5, 40 10, 10 20, 5 10, 15 5)))"},
      {"MULTIPOLYGON Z (((1.06 2 3, 4 5 6, 7 8 9, 1.06 2 3)))", 1,
       "MULTIPOLYGON Z (((1.1 2 3, 4 5 6, 7 8 9, 1.1 2 3)))"},
      {"GEOMETRYCOLLECTION (POINT (4.44 6.66), LINESTRING (4.44 6.66, 7.77 10.01), "
       "GEOMETRYCOLLECTION (POINT (1.05 2.04)), POLYGON EMPTY)",
       1,
       "GEOMETRYCOLLECTION (POINT (4.4 6.7), LINESTRING (4.4 6.7, 7.8 10), "
       "GEOMETRYCOLLECTION (POINT (1.1 2)), POLYGON EMPTY)"},
      {"GEOMETRYCOLLECTION Z (POINT Z (1.05 2 3), POINT (4 5 6.66))", 1,
       "GEOMETRYCOLLECTION Z (POINT Z (1.1 2 3), POINT (4 5 6.7))"},
      {"GEOMETRYCOLLECTION EMPTY", 3, "GEOMETRYCOLLECTION EMPTY"},
      {"SRID=4326;POINT(144.963150 -37.814200)", 2, "SRID=4326;POINT(144.96 -37.81)"},
      {"srid=3857; POINT(1.5 2.5)", 0, "srid=3857; POINT(2 3)"},
      {"POINT (1.5e-3 2.5E2)", 2, "POINT (0 250)"},
  };
  for (const RoundCase& c : cases) ExpectRounds(c);
}

TEST(RoundCoordinatesTest, WktKeepsWhitespaceAsWritten) {
  ExpectRounds({"  LINESTRING(\n  1.111   2.222 ,\t3.333 4.444 )  \n", 2,
                "  LINESTRING(\n  1.11   2.22 ,\t3.33 4.44 )  \n"});
  ExpectRounds({"POLYGON((0 0,1 0,1 1,0 0))", 2, "POLYGON((0 0,1 0,1 1,0 0))"});
}

TEST(RoundCoordinatesTest, WktRejectsMalformedText) {
  const std::vector<std::string_view> invalid = {
      "",
      "   ",
      "hello",
      "POINT",
      "POINT ()",
      "POINT (1)",
      "POINT (1 2 3 4 5)",
      "POINT (1 2",
      "POINT 1 2",
      "POINT (1 2))",
      "POINT (1,2)",
      "POINT (1 2)(3 4)",
      "POINT (1 2) x",
      "POINT (1e 2)",
      "POINT (nan 2)",
      "POINT (inf 2)",
      "POINT (1.2.3 4)",
      "POINT (1-2 3)",
      "POINT (- 2)",
      "POINT (1e309 2)",
      "POINT EMPTY EMPTY",
      "POINT Z (1 2)",
      "POINT ZM (1 2 3)",
      "POINT Q (1 2)",
      "POINTZ Z (1 2 3)",
      "LINESTRING (1 2, 3)",
      "LINESTRING (1 2 3, 4 5)",
      "LINESTRING (1 2,, 3 4)",
      "LINESTRING (1 2, 3 4,)",
      "LINESTRING ()",
      "POLYGON (1 2, 3 4)",
      "POLYGON ((1 2, 3 4)",
      "MULTIPOINT (1 2,)",
      "MULTIPOINT ((1 2) (3 4))",
      "MULTIPOLYGON ((1 2, 3 4))",
      "CIRCULARSTRING (1 2, 3 4, 5 6)",
      "SRID=4326POINT(1 2)",
      "SRID=;POINT(1 2)",
      "SRID=4326;",
      "GEOMETRYCOLLECTION (POINT (1 2), POINT Z (1 2 3))",
      "GEOMETRYCOLLECTION (POINT (1 2) POINT (3 4))",
      "[1, 2]",
  };
  for (std::string_view text : invalid) {
    EXPECT_EQ(Round(text, 2), std::nullopt) << text;
  }
}

TEST(RoundCoordinatesTest, WktNestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "GEOMETRYCOLLECTION (";
  deep += "POINT (1 2)";
  deep += std::string(100, ')');
  EXPECT_EQ(Round(deep, 2), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

TEST(RoundCoordinatesTest, GeoJsonGeometryTypes) {
  const std::vector<RoundCase> cases = {
      {R"({"type":"Point","coordinates":[144.963150,-37.814200]})", 4,
       R"({"type":"Point","coordinates":[144.9632,-37.8142]})"},
      {R"({ "coordinates" : [ 1.23456 , 2.5e-1 ] , "type" : "Point" })", 2,
       R"({ "coordinates" : [ 1.23 , 0.25 ] , "type" : "Point" })"},
      {R"({"type":"Point","coordinates":[1.23456,2.34567,10.55555]})", 2,
       R"({"type":"Point","coordinates":[1.23,2.35,10.56]})"},
      {R"({"type":"LineString","coordinates":[[1.11,2.22],[3.33,4.44]]})", 1,
       R"({"type":"LineString","coordinates":[[1.1,2.2],[3.3,4.4]]})"},
      {R"({"type":"Polygon","coordinates":[[[0.04,0],[1,0.06],[1,1],[0.04,0]]]})", 1,
       R"({"type":"Polygon","coordinates":[[[0,0],[1,0.1],[1,1],[0,0]]]})"},
      {R"({"type":"MultiPoint","coordinates":[[1.15,2.25],[3.35,4.45]]})", 1,
       R"({"type":"MultiPoint","coordinates":[[1.2,2.3],[3.4,4.5]]})"},
      {R"({"type":"MultiLineString","coordinates":[[[1.15,2.25],[3,4]],[[5,6],[7.75,8]]]})", 1,
       R"({"type":"MultiLineString","coordinates":[[[1.2,2.3],[3,4]],[[5,6],[7.8,8]]]})"},
      {R"({"type":"MultiPolygon","coordinates":[[[[0.55,0],[1,0],[1,1],[0.55,0]]]]})", 0,
       R"({"type":"MultiPolygon","coordinates":[[[[1,0],[1,0],[1,1],[1,0]]]]})"},
      {R"({"type":"Point","coordinates":[]})", 2, R"({"type":"Point","coordinates":[]})"},
      {R"({"type":"GeometryCollection","geometries":[)"
       R"({"type":"Point","coordinates":[1.234,5.678]},)"
       R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[9.876,5.432]}]}]})",
       2,
       R"({"type":"GeometryCollection","geometries":[)"
       R"({"type":"Point","coordinates":[1.23,5.68]},)"
       R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[9.88,5.43]}]}]})"},
      {R"({"type":"LineString","bbox":[1.111,2.222,3.333,4.444],"coordinates":[[1.111,2.222],[3.333,4.444]]})",
       1, R"({"type":"LineString","bbox":[1.1,2.2,3.3,4.4],"coordinates":[[1.1,2.2],[3.3,4.4]]})"},
  };
  for (const RoundCase& c : cases) ExpectRounds(c);
}

TEST(RoundCoordinatesTest, GeoJsonFeatureKeepsPropertiesAndStrings) {
  ExpectRounds(
      {R"({"type":"Feature","id":123456.789,"geometry":{"type":"Point","coordinates":[1.23456,2.34567]},)"
       R"("properties":{"speed":87.54321,"ok":true,"none":null,"no":false,"list":[1.23456,-0.0],)"
       R"("name":"Café 東京 😀 \"q\" \\ \/ \u00e9 \ud83d\ude00 \n","coordinates_note":1.23456}})",
       2,
       R"({"type":"Feature","id":123456.789,"geometry":{"type":"Point","coordinates":[1.23,2.35]},)"
       R"("properties":{"speed":87.54321,"ok":true,"none":null,"no":false,"list":[1.23456,-0.0],)"
       R"("name":"Café 東京 😀 \"q\" \\ \/ \u00e9 \ud83d\ude00 \n","coordinates_note":1.23456}})"});
  ExpectRounds({R"({"type":"Feature","geometry":null,"properties":null})", 2,
                R"({"type":"Feature","geometry":null,"properties":null})"});
}

TEST(RoundCoordinatesTest, GeoJsonFeatureCollection) {
  ExpectRounds(
      {"{\n  \"type\": \"FeatureCollection\",\n  \"bbox\": [100.05, 0.05, 105.05, 1.05],\n"
       "  \"features\": [\n"
       "    {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": "
       "[102.05, 0.55]}, \"properties\": {\"prop0\": 0.55}},\n"
       "    {\"type\": \"Feature\", \"geometry\": {\"type\": \"GeometryCollection\", "
       "\"geometries\": [{\"type\": \"LineString\", \"coordinates\": [[102.04, 0.06], [103.05, "
       "1.04]]}]}, \"properties\": {}}\n  ]\n}\n",
       1,
       "{\n  \"type\": \"FeatureCollection\",\n  \"bbox\": [100.1, 0.1, 105.1, 1.1],\n"
       "  \"features\": [\n"
       "    {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": "
       "[102.1, 0.6]}, \"properties\": {\"prop0\": 0.55}},\n"
       "    {\"type\": \"Feature\", \"geometry\": {\"type\": \"GeometryCollection\", "
       "\"geometries\": [{\"type\": \"LineString\", \"coordinates\": [[102, 0.1], [103.1, "
       "1]]}]}, \"properties\": {}}\n  ]\n}\n"});
}

TEST(RoundCoordinatesTest, GeoJsonMatchesEscapedKeysAndAnyDepth) {
  // A key spelled with escapes is the same key to every JSON reader.
  ExpectRounds({R"({"type":"Point","co\u006frdinates":[1.26,2.24]})", 1,
                R"({"type":"Point","co\u006frdinates":[1.3,2.2]})"});
  ExpectRounds({R"({"\u0074ype":"Point","coordinates":[1.26,2.24]})", 1,
                R"({"\u0074ype":"Point","coordinates":[1.3,2.2]})"});
  // Every number below a "coordinates" member is a coordinate, whatever the nesting.
  ExpectRounds({R"({"type":"X","coordinates":{"a":[1.26,{"b":2.24}],"s":"1.26"}})", 1,
                R"({"type":"X","coordinates":{"a":[1.3,{"b":2.2}],"s":"1.26"}})"});
  // Not a coordinate key: "coordinate", "Coordinates".
  ExpectRounds({R"({"type":"X","coordinate":[1.26],"Coordinates":[1.26]})", 1,
                R"({"type":"X","coordinate":[1.26],"Coordinates":[1.26]})"});
  // Non-numbers inside coordinates pass through.
  ExpectRounds({R"({"type":"Point","coordinates":[1.26,null,"x",true]})", 1,
                R"({"type":"Point","coordinates":[1.3,null,"x",true]})"});
}

TEST(RoundCoordinatesTest, GeoJsonRejectsInvalidJson) {
  const std::vector<std::string_view> invalid = {
      "{",
      "{}",
      R"({"type":1,"coordinates":[1,2]})",
      R"({"coordinates":[1,2]})",
      R"({"type":"Point","coordinates":[1,2]} x)",
      R"({"type":"Point","coordinates":[1,2]}{})",
      R"({"type":"Point","coordinates":[1,2],})",
      R"({"type":"Point","coordinates":[1,2,]})",
      R"({"type":"Point","coordinates":[1 2]})",
      R"({"type":"Point" "coordinates":[1,2]})",
      R"({"type":"Point","coordinates"[1,2]})",
      R"({'type':'Point'})",
      R"({type:"Point"})",
      R"({"type":"Point","coordinates":[01,2]})",
      R"({"type":"Point","coordinates":[1.,2]})",
      R"({"type":"Point","coordinates":[.5,2]})",
      R"({"type":"Point","coordinates":[+1,2]})",
      R"({"type":"Point","coordinates":[-,2]})",
      R"({"type":"Point","coordinates":[1e,2]})",
      R"({"type":"Point","coordinates":[1e+,2]})",
      R"({"type":"Point","coordinates":[NaN,2]})",
      R"({"type":"Point","coordinates":[Infinity,2]})",
      R"({"type":"Point","coordinates":[0x10,2]})",
      R"({"type":"Point","coordinates":[1.5.2,2]})",
      R"({"type":"Point","coordinates":[1e309,2]})",
      R"({"type":"Point","coordinates":[1,2],"p":01})",
      R"({"type":"Point","coordinates":[1,2],"p":tru})",
      R"({"type":"Point","coordinates":[1,2],"p":True})",
      R"({"type":"Point","coordinates":[1,2],"p":"\x"})",
      R"({"type":"Point","coordinates":[1,2],"p":"\u12G4"})",
      R"({"type":"Point","coordinates":[1,2],"p":"\u12"})",
      "{\"type\":\"Point\",\"p\":\"tab\there\"}",
      "{\"type\":\"Point\",\"p\":\"\xff\"}",              // not UTF-8
      "{\"type\":\"Point\",\"p\":\"\xc0\xaf\"}",          // overlong
      "{\"type\":\"Point\",\"p\":\"\xed\xa0\x80\"}",      // surrogate
      "{\"type\":\"Point\",\"p\":\"\xe6\x9d\"}",          // truncated
      "{\"type\":\"Point\",\"p\":\"\xf4\x90\x80\x80\"}",  // above U+10FFFF
      R"({"type":"Point","p":"unterminated})",
  };
  for (std::string_view text : invalid) {
    EXPECT_EQ(Round(text, 2), std::nullopt) << text;
  }
}

TEST(RoundCoordinatesTest, GeoJsonHugeNumberOutsideCoordinatesIsKept) {
  // Valid JSON; only coordinates must be finite.
  ExpectRounds({R"({"type":"Point","coordinates":[1.26,2],"p":1e400})", 1,
                R"({"type":"Point","coordinates":[1.3,2],"p":1e400})"});
}

TEST(RoundCoordinatesTest, GeoJsonNestingIsBounded) {
  std::string deep = R"({"type":"X","p":)";
  deep += std::string(1000, '[') + std::string(1000, ']') + "}";
  EXPECT_EQ(Round(deep, 2), std::nullopt);
  std::string fine = R"({"type":"X","p":)";
  fine += std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(Round(fine, 2), fine);
}

// ---------------------------------------------------------------------------------------------
// The `out` contract

TEST(RoundCoordinatesTest, AppendsOnSuccessAndLeavesOutAloneOnFailure) {
  std::string out = "prefix|";
  EXPECT_TRUE(RoundCoordinatesInto("POINT (1.26 2)", 1, &out));
  EXPECT_EQ(out, "prefix|POINT (1.3 2)");
  // Invalid only after a rounded number has been written.
  EXPECT_FALSE(RoundCoordinatesInto("LINESTRING (1.26 2, 3)", 1, &out));
  EXPECT_EQ(out, "prefix|POINT (1.3 2)");
  EXPECT_FALSE(RoundCoordinatesInto(R"({"type":"Point","coordinates":[1.26,2]},)", 1, &out));
  EXPECT_EQ(out, "prefix|POINT (1.3 2)");
}

TEST(RoundCoordinatesTest, LargeFeatureCollection) {
  std::string input = R"({"type":"FeatureCollection","features":[)";
  std::string expected = input;
  for (int i = 0; i < 2000; ++i) {
    const std::string sep = i == 0 ? "" : ",";
    const std::string head = sep + R"({"type":"Feature","properties":{"i":)" + std::to_string(i) +
                             R"(.123456},"geometry":{"type":"Point",)";
    input += head + R"("coordinates":[)" + std::to_string(i) + ".123456,-" + std::to_string(i) +
             ".987654]}}";
    const std::string lat = i == 0 ? "-0.9877" : "-" + std::to_string(i) + ".9877";
    expected += head + R"("coordinates":[)" + std::to_string(i) + ".1235," +
                (i == 0 ? std::string("-0.9877") : lat) + "]}}";
  }
  input += "]}";
  expected += "]}";
  ExpectRounds({input, 4, expected});
}

// ---------------------------------------------------------------------------------------------
// Scrub

struct ScrubCase {
  std::string_view input;
  std::string_view expected;
};

void ExpectScrubs(const std::vector<ScrubCase>& cases) {
  for (const ScrubCase& c : cases) EXPECT_EQ(Scrub(c.input), c.expected) << c.input;
}

// Text that must come out unchanged.
void ExpectKept(const std::vector<std::string_view>& texts) {
  for (std::string_view t : texts) EXPECT_EQ(Scrub(t), t);
}

TEST(ScrubTest, EmailAddresses) {
  ExpectScrubs({
      {"john.doe@example.com", "[email]"},
      {"Contact: john.doe+tag@mail.example.co.uk.", "Contact: [email]."},
      {"<jane@example.org>", "<[email]>"},
      {"Jane Roe <jane.roe@example.org>, bob@example.net", "Jane Roe <[email]>, [email]"},
      {"mailto:a.b@sub-domain.example.com?subject=x", "mailto:[email]?subject=x"},
      {"USER%1_x@EXAMPLE.COM", "[email]"},
      {"(a@b.io)", "([email])"},
      {"a@example.com.123", "[email].123"},
      {"see...john@x.org", "see...[email]"},
      {".john@x.org a..b@x.org", ".[email] a..[email]"},
      {"0412345678@sms.example.com", "[email]"},
      {"电邮:john@example.com。", "电邮:[email]。"},
  });
  ExpectKept({"a@b.c", "user@localhost", "@example.com", "john@", "john@.com", "john@example.c0m",
              "price 5 @ 3.50", "@handle", "a@-", "x @ y.com"});
}

TEST(ScrubTest, PhoneNumbers) {
  ExpectScrubs({
      {"0412 345 678", "[phone]"},
      {"+61 3 9123 4567", "[phone]"},
      {"(03) 9123 4567", "[phone]"},
      {"+1-202-555-0143", "[phone]"},
      {"0412345678", "[phone]"},
      {"12345678", "[phone]"},
      {"+61412345678", "[phone]"},
      {"+44 (0)20 7946 0958", "[phone]"},
      {"+1 (202) 555-0143", "[phone]"},
      {"02.9123.4567", "[phone]"},
      {"1800-123-456", "[phone]"},
      {"(call 0412 345 678).", "(call [phone])."},
      {"tel:+61-3-9123-4567", "tel:[phone]"},
      {"call 0412 345 678 at 10:45", "call [phone] at 10:45"},
      {"0412 345 678 10:45", "[phone] 10:45"},
      {"Ph 0412 345 678, 03 9123 4567", "Ph [phone], [phone]"},
      {"电话0412345678。", "电话[phone]。"},
      {"0412 345 678 1234567890", "[phone] [phone]"},
      {"-0412345678", "-[phone]"},
      {"1234567890 12 12", "[phone]"},  // three groups, but not shaped like a date
      {"0412 34 56", "[phone]"},        // 4-2-2 with no plausible year
  });
}

TEST(ScrubTest, NumbersThatAreNotPhoneNumbers) {
  ExpectKept({
      "87.5 km/h",
      "id 4000137",
      "1234567",
      "2026-11-20",
      "20.11.2026",
      "11-20-2026",
      "2026 11 20",
      "11/20/2026",
      "2026-11-20 10:45:00",
      "2026-11-20T10:45:00Z",
      "10:45",
      "12:30:00",
      "version 1.2.3",
      "3.14159265",
      "12345678.90",
      "1 234.5678",
      "6.02214076e23",
      "1,234,567",
      "1,234,567,890",
      "-37.8136, 144.9631",
      "1234-5678-9012-3456",
      "1234567890123456",
      "1.22.333.4444.55",
      "300.168.100.200",
      "v12345678",
      "12345678abc",
      "abc12345678",
      "1 2 3 4 5 6 7 8",
      "in 2024, 350 people",
  });
}

TEST(ScrubTest, Ipv4Addresses) {
  ExpectScrubs({
      {"10.0.0.1", "[ip]"},
      {"192.168.1.254", "[ip]"},
      {"from 10.0.0.1:8080", "from [ip]:8080"},
      {"(192.168.1.254).", "([ip])."},
      {"10.0.0.1/24", "[ip]/24"},
      {"ip=10.1.2.3, gw=10.1.2.1", "ip=[ip], gw=[ip]"},
      {"255.255.255.255 0.0.0.0", "[ip] [ip]"},
      {"root@10.0.0.1", "root@[ip]"},
      {"10.0.0.1,10.0.0.2", "[ip],[ip]"},
  });
  ExpectKept({"1.2.3.4.5", "999.1.1.1", "256.1.1.1", "1.2.3", "1234.1.1.1", "v1.2.3.4", "1.2.3.4a",
              "1.2.3.4.5.6.7.8"});
}

TEST(ScrubTest, Ipv6Addresses) {
  ExpectScrubs({
      {"fe80::1", "[ip]"},
      {"2001:db8::8a2e:370:7334", "[ip]"},
      {"::1", "[ip]"},
      {"::ffff:192.0.2.1", "[ip]"},
      {"2001:0db8:85a3:0000:0000:8a2e:0370:7334", "[ip]"},
      {"FE80::ABCD:1", "[ip]"},
      {"[2001:db8::1]:443", "[[ip]]:443"},
      {"fe80::1%eth0", "[ip]%eth0"},
      {"from ::1, to fe80::1.", "from [ip], to [ip]."},
  });
  ExpectKept({"10:45:00", "a:b", "Bad::Dec", "std::vector", "00:1a:2b:3c:4d:5e", "12:34",
              "1:2:3:4:5:6:7", "fe80:::1", "fe80::1::2", "::", "dead::beef", "12345::1",
              "fe80::1.5", "John 3:16"});
}

TEST(ScrubTest, MixedTextWithSeveralItems) {
  EXPECT_EQ(Scrub("Mail john@x.com or call +61 3 9123 4567 from 10.0.0.1 (fe80::1) on "
                  "2026-11-20 at 10:45, speed 87.5 km/h."),
            "Mail [email] or call [phone] from [ip] ([ip]) on 2026-11-20 at 10:45, speed "
            "87.5 km/h.");
  EXPECT_EQ(Scrub("Café ☕ 0412 345 678 — naïve <ana@example.es>"),
            "Café ☕ [phone] — naïve <[email]>");
}

TEST(ScrubTest, TextWithoutMatchesIsIdentical) {
  ExpectKept({"", "hello world", "Ünïcödé 東京 😀", "no numbers here.", "speed 87.5, id 4000137"});
}

TEST(ScrubTest, InvalidUtf8PassesThrough) {
  EXPECT_EQ(Scrub("\xff\xfe"
                  "10.0.0.1\xc3"),
            "\xff\xfe[ip]\xc3");
}

TEST(ScrubTest, AppendsToOut) {
  std::string out = "prefix|";
  ScrubInto("ip 10.0.0.1", &out);
  EXPECT_EQ(out, "prefix|ip [ip]");
}

TEST(ScrubTest, LongInputsStayLinear) {
  // Worst cases for a scanner that restarts at every position; must finish and be exact.
  const std::string digits(100'000, '7');
  EXPECT_EQ(Scrub(digits), digits);
  std::string spaced;
  for (int i = 0; i < 50'000; ++i) spaced += "1 ";
  EXPECT_EQ(Scrub(spaced), spaced);
  const std::string local(100'000, 'a');
  EXPECT_EQ(Scrub(local + "@example.com"), "[email]");
  EXPECT_EQ(Scrub(local + "@"), local + "@");
}

}  // namespace
}  // namespace de
