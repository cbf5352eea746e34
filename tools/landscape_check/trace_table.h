// The landscape's trace contract (spec landscape.md, "The trace it must produce") as a check over
// the spans of one trace as cairn-server's query API returns them (Zipkin v2 JSON).
//
// Rows checked, by local service, lower-cased name, kind and parent:
//   edge-server     get /api/accounts/{id}   SERVER    the caller's span (or root)   [edge]
//   edge-server     one per upstream attempt CLIENT    edge SERVER, remote accountservice [edge]
//   accountservice  getaccount               SERVER    an edge CLIENT (or the caller's span)
//   accountservice  queryaccount             local     getaccount
//   accountservice  send vip_queue           PRODUCER  getaccount          [VIP account only]
//   vipservice      vipservice#onmessage     CONSUMER  the PRODUCER        [VIP account only]
//   accountservice  getquote                 CLIENT    getaccount (one per attempt)
//   quotes-service  getquote                 SERVER    accountservice getquote  [unless fallback]
//   accountservice  getimageurl              CLIENT    getaccount (one per attempt)
//   imageservice    getaccountimage          SERVER    accountservice getimageurl [unless fallback]
// plus: HTTP spans carry http.method (and http.path outside the edge), SERVER spans of the
// services carry http.status_code, every attempt of a call that fell back carries `error`, and no
// messaging spans exist for other accounts.
//
// Pure function of its input; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <string>
#include <vector>

namespace cairn::tools {

struct TraceTableExpectations {
  bool through_edge = true;  // the request came in through cairn-edge
  bool vip = false;          // account 10000: the PRODUCER/CONSUMER pair must be there
  // The span id of the caller (from the B3 headers the checker sent); the first span of the
  // trace must be its child. Empty: the first span must be a root.
  std::string caller_span_id;
  bool quote_fallback = false;  // quotes-service was down: getquote CLIENT has `error`
  bool image_fallback = false;  // imageservice was down: getimageurl CLIENT has `error`
};

// Every way `spans` breaks the contract, one message each; empty when it holds.
std::vector<std::string> CheckTraceTable(const boost::json::array& spans,
                                         const TraceTableExpectations& expected);

}  // namespace cairn::tools
