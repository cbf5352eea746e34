// The callable types a Router dispatches to.
//
// A Handler is a coroutine: it may co_await I/O or offload blocking work (see blocking_pool.h)
// without tying up an I/O thread. A SyncHandler is for handlers that compute the answer right away
// (no blocking calls!); the router adapts it to a Handler. A Middleware wraps every request: it
// gets the context and the next handler in the chain, and may answer on its own (CORS preflight),
// call `next` and change the response (tracing, metrics), or both. Callables are stored in the
// Router, which outlives every call, so lambda captures stay valid across co_await.
//
// Contract for all three: never throw. A throwing handler is answered with 500 and counted as a
// handler error, but exceptions are a bug, not a reporting channel.
#pragma once

#include <functional>

#include "lib/net/http.h"

namespace cairn::net {

class RequestContext;

using Handler = std::function<asio::awaitable<Response>(RequestContext&)>;
using SyncHandler = std::function<Response(RequestContext&)>;
using Middleware = std::function<asio::awaitable<Response>(RequestContext&, const Handler& next)>;

}  // namespace cairn::net
