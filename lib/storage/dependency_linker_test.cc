// A port of openzipkin/zipkin zipkin/src/test/java/zipkin2/internal/DependencyLinkerTest.java:
// same traces, same expected links (containsExactly -> ElementsAre, containsOnly ->
// UnorderedElementsAre). The logging-only assertions have no counterpart.
#include "lib/storage/dependency_linker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "lib/storage/testing/test_spans.h"

namespace cairn::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeSpan;
using testing::Pointers;
using ::testing::UnorderedElementsAre;
using trace::SpanKind;
using trace::SpanRecordPtr;
using Spans = std::vector<SpanRecordPtr>;

constexpr SpanKind kNoKind = SpanKind::kUnspecified;

// DependencyLinkerTest.span(traceId, parentId, id, kind, local, remote, isError).
SpanRecordPtr Span(std::string_view trace_id, std::string_view parent_id, std::string_view id,
                   SpanKind kind, std::string_view local, std::string_view remote, bool error,
                   bool shared = false) {
  testing::SpanSpec spec{.trace_id = trace_id,
                         .id = id,
                         .parent_id = parent_id,
                         .kind = kind,
                         .local_service = local,
                         .remote_service = remote,
                         .shared = shared};
  if (error) spec.tags.emplace_back("error", "");
  return MakeSpan(spec);
}

DependencyLink Link(std::string parent, std::string child, std::uint64_t calls,
                    std::uint64_t errors = 0) {
  return {std::move(parent), std::move(child), calls, errors};
}

std::vector<DependencyLink> LinksOf(const Spans& trace) {
  return DependencyLinker().PutTrace(Pointers(trace)).Link();
}

// In reverse order, as reporting is more likely to occur this way.
Spans Trace() {
  return testing::Spans(Span("a", "b", "c", SpanKind::kClient, "app", "db", true),
                        Span("a", "a", "b", SpanKind::kServer, "app", "web", false, true),
                        Span("a", "a", "b", SpanKind::kClient, "web", "app", false),
                        Span("a", "", "a", SpanKind::kServer, "web", "", false));
}

TEST(DependencyLinkerTest, BaseCase) { EXPECT_THAT(DependencyLinker().Link(), IsEmpty()); }

TEST(DependencyLinkerTest, LinksSpans) {
  EXPECT_THAT(LinksOf(Trace()), ElementsAre(Link("web", "app", 1), Link("app", "db", 1, 1)));
}

TEST(DependencyLinkerTest, TraceIdIsOpaque) {
  Spans different;
  for (const SpanRecordPtr& span : Trace()) {
    SpanRecordPtr copy =
        Span("123", span->parent_id ? trace::Hex64(span->parent_id) : "", trace::Hex64(span->id),
             span->kind, span->local_endpoint.service_name, span->remote_endpoint.service_name,
             span->FindTag("error") != nullptr, span->shared);
    different.push_back(std::move(copy));
  }
  EXPECT_EQ(LinksOf(different), LinksOf(Trace()));
}

TEST(DependencyLinkerTest, LinksSpansServerMissingParentId) {
  Spans trace = testing::Spans(
      // Reported in reverse order; the server's parent id was not propagated.
      Span("a", "", "b", SpanKind::kServer, "link", "arn", false, true),
      Span("a", "a", "b", SpanKind::kClient, "arn", "link", false),
      Span("a", "", "a", SpanKind::kServer, "arn", "", false));
  EXPECT_THAT(LinksOf(trace), ElementsAre(Link("arn", "link", 1)));
}

TEST(DependencyLinkerTest, LateParentIdInSharedSpan) {
  Spans trace = Trace();
  trace[2] = Span("a", "", "b", SpanKind::kClient, "web", "app", false);
  EXPECT_THAT(LinksOf(trace), ElementsAre(Link("web", "app", 1), Link("app", "db", 1, 1)));
}

TEST(DependencyLinkerTest, LostChildAndNoParentIdInSharedSpan) {
  Spans trace = Trace();
  trace[2] = Span("a", "", "b", SpanKind::kClient, "web", "app", false);
  trace.erase(trace.begin() + 1);  // the shared server span is never sent
  EXPECT_THAT(LinksOf(trace), ElementsAre(Link("web", "app", 1), Link("app", "db", 1, 1)));
}

TEST(DependencyLinkerTest, MessagingSpansDontLinkWithoutBrokerConsumer) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kProducer, "producer", "", false),
                             Span("a", "a", "b", SpanKind::kConsumer, "consumer", "kafka", false))),
      UnorderedElementsAre(Link("kafka", "consumer", 1)));
}

TEST(DependencyLinkerTest, MessagingSpansDontLinkWithoutBrokerProducer) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kProducer, "producer", "kafka", false),
                             Span("a", "a", "b", SpanKind::kConsumer, "consumer", "", false))),
      UnorderedElementsAre(Link("producer", "kafka", 1)));
}

TEST(DependencyLinkerTest, MessagingWithBrokerBothSidesSame) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kProducer, "producer", "kafka", false),
                             Span("a", "a", "b", SpanKind::kConsumer, "consumer", "kafka", false))),
      UnorderedElementsAre(Link("producer", "kafka", 1), Link("kafka", "consumer", 1)));
}

TEST(DependencyLinkerTest, MessagingWithBrokerDifferent) {
  EXPECT_THAT(LinksOf(testing::Spans(
                  Span("a", "", "a", SpanKind::kProducer, "producer", "kafka1", false),
                  Span("a", "a", "b", SpanKind::kConsumer, "consumer", "kafka2", false))),
              UnorderedElementsAre(Link("producer", "kafka1", 1), Link("kafka2", "consumer", 1)));
}

TEST(DependencyLinkerTest, MessagingWithoutBrokerNoLinks) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kProducer, "producer", "", false),
                             Span("a", "a", "b", SpanKind::kConsumer, "consumer", "", false))),
      IsEmpty());
}

TEST(DependencyLinkerTest, ProducerLinksToServerChildSpan) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kProducer, "producer", "", false),
                                     Span("a", "a", "b", SpanKind::kServer, "server", "", false))),
              UnorderedElementsAre(Link("producer", "server", 1)));
}

TEST(DependencyLinkerTest, ProducerLinksToServerSameSpan) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kProducer, "producer", "", false),
                             Span("a", "", "a", SpanKind::kServer, "server", "", false, true))),
      UnorderedElementsAre(Link("producer", "server", 1)));
}

TEST(DependencyLinkerTest, ClientDoesntLinkToConsumerChild) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "client", "", false),
                             Span("a", "a", "b", SpanKind::kConsumer, "consumer", "", false))),
      IsEmpty());
}

TEST(DependencyLinkerTest, LinksSpansDirectedByKind) {
  for (SpanRecordPtr& span :
       testing::Spans(Span("a", "", "a", SpanKind::kServer, "server", "client", false),
                      Span("a", "", "a", SpanKind::kClient, "client", "server", false, true))) {
    EXPECT_THAT(LinksOf(testing::Spans(std::move(span))),
                UnorderedElementsAre(Link("client", "server", 1)));
  }
}

TEST(DependencyLinkerTest, CallsAgainstTheSameLinkIncreasesCallCountSpan) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kServer, "client", "", false),
                                     Span("a", "a", "b", SpanKind::kClient, "", "server", false),
                                     Span("a", "a", "c", SpanKind::kClient, "", "server", false))),
              UnorderedElementsAre(Link("client", "server", 2)));
}

TEST(DependencyLinkerTest, CallsAgainstTheSameLinkIncreasesCallCountTrace) {
  Spans trace = testing::Spans(Span("a", "", "a", SpanKind::kServer, "client", "", false),
                               Span("a", "a", "b", SpanKind::kClient, "", "server", false));
  EXPECT_THAT(DependencyLinker().PutTrace(Pointers(trace)).PutTrace(Pointers(trace)).Link(),
              UnorderedElementsAre(Link("client", "server", 2)));
}

TEST(DependencyLinkerTest, SingleHostSpansResultInASingleCallCount) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "client", "", false),
                                     Span("a", "a", "b", SpanKind::kServer, "server", "", false))),
              UnorderedElementsAre(Link("client", "server", 1)));
}

TEST(DependencyLinkerTest, SingleHostSpansResultInASingleErrorCount) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "client", "", true),
                                     Span("a", "a", "b", SpanKind::kServer, "server", "", true))),
              UnorderedElementsAre(Link("client", "server", 1, 1)));
}

TEST(DependencyLinkerTest, SingleHostSpansResultInASingleErrorCountSameId) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "client", "", true),
                             Span("a", "", "a", SpanKind::kServer, "server", "", true, true))),
      UnorderedElementsAre(Link("client", "server", 1, 1)));
}

TEST(DependencyLinkerTest, SingleHostSpansResultInASingleCallCountDefersNameToServer) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "client", "server", false),
                             Span("a", "a", "b", SpanKind::kServer, "server", "", false))),
      UnorderedElementsAre(Link("client", "server", 1)));
}

TEST(DependencyLinkerTest, SingleHostSpansMultipleChildren) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "client", "", false),
                             Span("a", "a", "b", SpanKind::kServer, "server", "client", true),
                             Span("a", "a", "c", SpanKind::kServer, "server", "client", false))),
      UnorderedElementsAre(Link("client", "server", 2, 1)));
}

TEST(DependencyLinkerTest, SingleHostSpansMultipleChildrenDefersNameToServer) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "client", "server", false),
                             Span("a", "a", "b", SpanKind::kServer, "server", "", false),
                             Span("a", "a", "c", SpanKind::kServer, "server", "", false))),
      UnorderedElementsAre(Link("client", "server", 2)));
}

TEST(DependencyLinkerTest, IntermediatedClientSpansMissingLocalServiceNameLinkToNearestServer) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kServer, "client", "", false),
                                     Span("a", "a", "b", kNoKind, "", "", false),
                                     // possibly a local fan-out span
                                     Span("a", "b", "c", SpanKind::kClient, "server", "", false),
                                     Span("a", "b", "d", SpanKind::kClient, "server", "", false))),
              UnorderedElementsAre(Link("client", "server", 2)));
}

TEST(DependencyLinkerTest, ErrorsOnUninstrumentedLinks) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kServer, "client", "", false),
                                     Span("a", "a", "b", kNoKind, "", "", false),
                                     // there's no remote here, so we shouldn't see any error count
                                     Span("a", "b", "c", SpanKind::kClient, "server", "", true),
                                     Span("a", "b", "d", SpanKind::kClient, "server", "", true))),
              UnorderedElementsAre(Link("client", "server", 2)));
}

TEST(DependencyLinkerTest, ErrorsOnInstrumentedLinks) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kServer, "foo", "", false),
                                     Span("a", "a", "b", kNoKind, "", "", false),
                                     Span("a", "b", "c", SpanKind::kClient, "bar", "baz", true),
                                     Span("a", "b", "d", SpanKind::kClient, "bar", "baz", false))),
              UnorderedElementsAre(Link("foo", "bar", 2), Link("bar", "baz", 2, 1)));
}

TEST(DependencyLinkerTest, AnnotationNamedErrorDoesntIncrementErrorCount) {
  // A tag marks a failed span, not an annotation.
  EXPECT_THAT(LinksOf(testing::Spans(MakeSpan({.trace_id = "a",
                                               .id = "c",
                                               .parent_id = "b",
                                               .kind = SpanKind::kClient,
                                               .local_service = "foo",
                                               .remote_service = "bar",
                                               .annotations = {{1, "error"}}}))),
              UnorderedElementsAre(Link("foo", "bar", 1)));
}

TEST(DependencyLinkerTest, LinksLoopbackSpans) {
  for (SpanRecordPtr& span :
       testing::Spans(Span("a", "", "a", SpanKind::kServer, "service", "service", false),
                      Span("b", "", "b", SpanKind::kClient, "service", "service", false))) {
    EXPECT_THAT(LinksOf(testing::Spans(std::move(span))),
                UnorderedElementsAre(Link("service", "service", 1)));
  }
}

TEST(DependencyLinkerTest, NoSpanKindTreatedSameAsClient) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", kNoKind, "some-client", "web", false),
                                     Span("a", "a", "b", kNoKind, "web", "app", false),
                                     Span("a", "b", "c", kNoKind, "app", "db", false))),
              UnorderedElementsAre(Link("some-client", "web", 1), Link("web", "app", 1),
                                   Link("app", "db", 1)));
}

TEST(DependencyLinkerTest, NoSpanKindWithError) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", kNoKind, "some-client", "web", false),
                                     Span("a", "a", "b", kNoKind, "web", "app", true),
                                     Span("a", "b", "c", kNoKind, "app", "db", false))),
              UnorderedElementsAre(Link("some-client", "web", 1), Link("web", "app", 1, 1),
                                   Link("app", "db", 1)));
}

TEST(DependencyLinkerTest, CannotLinkSingleSpanWithoutBothServiceNames) {
  for (SpanRecordPtr& span :
       testing::Spans(Span("a", "", "a", SpanKind::kServer, "", "", false),
                      Span("a", "", "a", SpanKind::kServer, "server", "", false),
                      Span("a", "", "a", SpanKind::kServer, "", "client", false),
                      Span("a", "", "a", SpanKind::kClient, "", "", false),
                      Span("a", "", "a", SpanKind::kClient, "client", "", false),
                      Span("a", "", "a", SpanKind::kClient, "", "server", false))) {
    EXPECT_THAT(LinksOf(testing::Spans(std::move(span))), IsEmpty());
  }
}

TEST(DependencyLinkerTest, DoesntLinkUnrelatedSpansWhenMissingRootSpan) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "a", "b", SpanKind::kServer, "service1", "", false),
                             Span("a", "a", "c", SpanKind::kServer, "service2", "", false))),
      IsEmpty());
}

TEST(DependencyLinkerTest, LinksRelatedSpansWhenMissingRootSpan) {
  EXPECT_THAT(
      LinksOf(testing::Spans(Span("a", "a", "b", SpanKind::kServer, "service1", "", false),
                             Span("a", "b", "c", SpanKind::kServer, "service2", "", false))),
      UnorderedElementsAre(Link("service1", "service2", 1)));
}

TEST(DependencyLinkerTest, LinksSingleHostSpans) {
  // Client and server spans that don't share ids: servers missing their peer.
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "web", "", false),
                                     Span("a", "a", "b", SpanKind::kServer, "app", "", false))),
              UnorderedElementsAre(Link("web", "app", 1)));
}

TEST(DependencyLinkerTest, LinksSingleHostSpansErrorOnClient) {
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kClient, "web", "", true),
                                     Span("a", "a", "b", SpanKind::kServer, "app", "", false))),
              UnorderedElementsAre(Link("web", "app", 1, 1)));
}

TEST(DependencyLinkerTest, MissingSpan) {
  // Creates a link when a span is missing: here the RPC from web to app.
  EXPECT_THAT(LinksOf(testing::Spans(Span("a", "", "a", SpanKind::kServer, "web", "", false),
                                     Span("a", "a", "b", SpanKind::kClient, "app", "", false))),
              UnorderedElementsAre(Link("web", "app", 1)));
}

TEST(DependencyLinkerTest, Merge) {
  std::vector<DependencyLink> links = {Link("foo", "bar", 2, 1), Link("foo", "bar", 2, 2),
                                       Link("foo", "foo", 1)};
  EXPECT_THAT(DependencyLinker::Merge(links),
              ElementsAre(Link("foo", "bar", 4, 3), Link("foo", "foo", 1)));
}

TEST(DependencyLinkerTest, MergeError) {
  std::vector<DependencyLink> links = {Link("client", "server", 2), Link("client", "server", 2),
                                       Link("client", "client", 1)};
  EXPECT_THAT(DependencyLinker::Merge(links),
              ElementsAre(Link("client", "server", 4), Link("client", "client", 1)));
}

// Beyond Zipkin's tests: hostile shapes must not loop or crash.
TEST(DependencyLinkerTest, CyclicParentsTerminate) {
  Spans trace = testing::Spans(Span("a", "c", "b", SpanKind::kServer, "x", "y", false),
                               Span("a", "b", "c", SpanKind::kServer, "y", "x", false),
                               Span("a", "", "a", SpanKind::kServer, "root", "", false));
  EXPECT_THAT(LinksOf(trace), IsEmpty());
}

TEST(DependencyLinkerTest, DuplicateAndFragmentedSpansCountOnce) {
  Spans trace = testing::Spans(Span("a", "", "a", SpanKind::kServer, "web", "", false),
                               Span("a", "a", "b", SpanKind::kClient, "web", "app", false),
                               Span("a", "a", "b", SpanKind::kClient, "web", "app", false),
                               // a late fragment of b without endpoints adds the error tag
                               Span("a", "a", "b", kNoKind, "", "", true));
  EXPECT_THAT(LinksOf(trace), ElementsAre(Link("web", "app", 1, 1)));
}

}  // namespace
}  // namespace cairn::storage
