// MergeTrace: ports of openzipkin/zipkin zipkin/src/test/java/zipkin2/internal/TraceTest.java;
// BuildSpanTree: the shapes SpanNode.Builder must produce for linking.
#include "lib/storage/span_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "lib/storage/testing/test_spans.h"

namespace cairn::storage::internal {
namespace {

using storage::testing::MakeSpan;
using storage::testing::Pointers;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using trace::SpanKind;
using trace::SpanRecordPtr;

// TraceTest.span(traceId, parentId, id, kind, local, ip, shared).
SpanRecordPtr Span(std::string_view parent_id, std::string_view id, SpanKind kind,
                   std::string_view local, std::string_view ip, bool shared) {
  return MakeSpan({.trace_id = "a",
                   .id = id,
                   .parent_id = parent_id,
                   .kind = kind,
                   .local_service = local,
                   .shared = shared,
                   .local_ipv4 = ip});
}

// "parent>id KIND [shared] service/ip"
std::string Describe(const LinkSpan& span) {
  std::string out = (span.parent_id ? trace::Hex64(span.parent_id).substr(15) : "-") + ">" +
                    trace::Hex64(span.id).substr(15) + " " +
                    std::string(trace::SpanKindName(span.kind));
  if (span.shared) out += " shared";
  out += " " + std::string(span.local.service_name) + "/" + std::string(span.local.ipv4);
  return out;
}

std::vector<std::string> Merged(const std::vector<SpanRecordPtr>& spans) {
  std::vector<std::string> out;
  for (const LinkSpan& span : MergeTrace(Pointers(spans))) out.push_back(Describe(span));
  return out;
}

TEST(MergeTraceTest, BackfillsMissingParentIdOnSharedSpan) {
  EXPECT_THAT(
      Merged(storage::testing::Spans(Span("", "a", SpanKind::kServer, "frontend", "", false),
                                     Span("a", "b", SpanKind::kClient, "frontend", "", false),
                                     Span("", "b", SpanKind::kServer, "backend", "", true))),
      UnorderedElementsAre("->a SERVER frontend/", "a>b CLIENT frontend/",
                           "a>b SERVER shared backend/"));
}

TEST(MergeTraceTest, BackfillsMissingSharedFlagOnServerAfterClient) {
  EXPECT_THAT(
      Merged(storage::testing::Spans(Span("a", "b", SpanKind::kServer, "backend", "", false),
                                     Span("a", "b", SpanKind::kClient, "frontend", "", false))),
      ElementsAre("a>b CLIENT frontend/", "a>b SERVER shared backend/"));
}

TEST(MergeTraceTest, DoesntMergeSharedSpansOnDifferentIps) {
  auto first_client = MakeSpan({.trace_id = "a",
                                .id = "b",
                                .parent_id = "a",
                                .kind = SpanKind::kClient,
                                .timestamp_us = 1,
                                .local_service = "frontend",
                                .annotations = {{3, "brave.flush"}}});
  auto second_client = MakeSpan({.trace_id = "a",
                                 .id = "b",
                                 .parent_id = "a",
                                 .kind = SpanKind::kClient,
                                 .duration_us = 10,
                                 .local_service = "frontend"});
  EXPECT_THAT(
      Merged(storage::testing::Spans(
          Span("", "a", SpanKind::kServer, "frontend", "", false), std::move(first_client),
          Span("a", "b", SpanKind::kServer, "backend", "1.2.3.4", true),
          Span("a", "b", SpanKind::kServer, "backend", "1.2.3.5", true), std::move(second_client))),
      UnorderedElementsAre("->a SERVER frontend/", "a>b CLIENT frontend/",
                           "a>b SERVER shared backend/1.2.3.4",
                           "a>b SERVER shared backend/1.2.3.5"));
}

TEST(MergeTraceTest, PutsRandomDataOnFirstSpanWithEndpoint) {
  EXPECT_THAT(Merged(storage::testing::Spans(
                  Span("", "a", SpanKind::kServer, "frontend", "", false),
                  Span("a", "b", SpanKind::kClient, "", "", false),
                  Span("a", "b", SpanKind::kUnspecified, "frontend", "", false),
                  Span("a", "b", SpanKind::kServer, "backend", "1.2.3.4", true),
                  Span("a", "b", SpanKind::kServer, "backend", "1.2.3.5", true),
                  Span("a", "b", SpanKind::kUnspecified, "frontend", "", false))),
              UnorderedElementsAre("->a SERVER frontend/", "a>b CLIENT frontend/",
                                   "a>b SERVER shared backend/1.2.3.4",
                                   "a>b SERVER shared backend/1.2.3.5"));
}

TEST(MergeTraceTest, MergesIncompleteEndpoints) {
  EXPECT_THAT(
      Merged(storage::testing::Spans(Span("", "a", SpanKind::kServer, "frontend", "", false),
                                     Span("a", "b", SpanKind::kClient, "frontend", "", false),
                                     Span("a", "b", SpanKind::kClient, "", "1.2.3.4", false),
                                     Span("a", "b", SpanKind::kServer, "", "1.2.3.5", true),
                                     Span("a", "b", SpanKind::kServer, "backend", "", true))),
      UnorderedElementsAre("->a SERVER frontend/", "a>b CLIENT frontend/1.2.3.4",
                           "a>b SERVER shared backend/1.2.3.5"));
}

TEST(MergeTraceTest, WorksWhenMissingParentSpan) {
  EXPECT_THAT(
      Merged(storage::testing::Spans(Span("a", "b", SpanKind::kServer, "backend", "1.2.3.4", false),
                                     Span("a", "c", SpanKind::kServer, "backend", "", false))),
      ElementsAre("a>b SERVER backend/1.2.3.4", "a>c SERVER backend/"));
}

TEST(MergeTraceTest, MergesErrorTagFromFragment) {
  std::vector<LinkSpan> merged = MergeTrace(Pointers(
      storage::testing::Spans(Span("a", "b", SpanKind::kClient, "frontend", "", false),
                              MakeSpan({.trace_id = "a", .id = "b", .tags = {{"error", "x"}}}))));
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_TRUE(merged[0].error);
  EXPECT_EQ(merged[0].kind, SpanKind::kClient);
}

// "id(children...)" of the tree below `node`, "*" for a synthetic root.
std::string Shape(const SpanTree& tree, int node) {
  const SpanTree::Node& current = tree.nodes[node];
  std::string out = current.span == SpanTree::kNone
                        ? "*"
                        : trace::Hex64(tree.spans[current.span].id).substr(15) +
                              (tree.spans[current.span].shared ? "s" : "");
  if (current.children.empty()) return out;
  out += "(";
  for (std::size_t i = 0; i < current.children.size(); ++i) {
    if (i > 0) out += ",";
    out += Shape(tree, current.children[i]);
  }
  return out + ")";
}

TEST(BuildSpanTreeTest, SharedServerIsChildOfItsClient) {
  auto spans =
      storage::testing::Spans(Span("b", "c", SpanKind::kClient, "backend", "10.0.0.2", false),
                              Span("a", "b", SpanKind::kServer, "backend", "10.0.0.2", true),
                              Span("a", "b", SpanKind::kClient, "frontend", "10.0.0.1", false),
                              Span("", "a", SpanKind::kServer, "frontend", "10.0.0.1", false));
  SpanTree tree = BuildSpanTree(Pointers(spans));
  // c is placed under the shared server on its own endpoint, not under the client.
  EXPECT_EQ(Shape(tree, tree.root), "a(b(bs(c)))");
  EXPECT_EQ(tree.BreadthFirst().size(), 4u);
}

TEST(BuildSpanTreeTest, HeadlessTraceGetsSyntheticRoot) {
  auto spans = storage::testing::Spans(Span("a", "b", SpanKind::kServer, "x", "", false),
                                       Span("a", "c", SpanKind::kServer, "y", "", false),
                                       Span("c", "d", SpanKind::kClient, "y", "", false));
  SpanTree tree = BuildSpanTree(Pointers(spans));
  EXPECT_EQ(Shape(tree, tree.root), "*(b,c(d))");
  std::vector<std::string> order;
  for (int node : tree.BreadthFirst()) {
    order.push_back(trace::Hex64(tree.spans[tree.nodes[node].span].id).substr(15));
  }
  EXPECT_THAT(order, ElementsAre("b", "c", "d"));
}

TEST(BuildSpanTreeTest, SecondRootHangsOffTheFirst) {
  auto spans = storage::testing::Spans(Span("", "a", SpanKind::kServer, "x", "", false),
                                       Span("", "e", SpanKind::kServer, "y", "", false));
  SpanTree tree = BuildSpanTree(Pointers(spans));
  EXPECT_EQ(Shape(tree, tree.root), "a(e)");
}

TEST(BuildSpanTreeTest, EmptyInputGivesEmptyTree) {
  SpanTree tree = BuildSpanTree({});
  EXPECT_EQ(tree.root, SpanTree::kNone);
  EXPECT_TRUE(tree.BreadthFirst().empty());
}

}  // namespace
}  // namespace cairn::storage::internal
