// The default id generator without its virtual interface, for the tracer's hot path.
#pragma once

#include "cairn/trace/ids.h"

namespace cairn::trace::internal {

// &DefaultIdGenerator(), constant-initialised (comparing against it needs no call).
extern IdGenerator* const kDefaultIdGenerator;

// A new trace id from this thread's default generator: random low half, and a random high half
// when `bits128`. One call and one thread-state lookup for both halves; neither half is 0.
TraceId NextDefaultTraceId(bool bits128);

}  // namespace cairn::trace::internal
