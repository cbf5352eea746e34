# cairn-server integration tests (label `integration`): each runs the real cairn-server binary on
# 127.0.0.1 and an ephemeral port in a temporary directory (server_test_util.h).
#   server_kill_integration_test     kill -9 under ingest loses no acknowledged span
#   server_restart_integration_test  a graceful restart answers the same
#   server_tracing_integration_test  the tracing library's spans, queried back (mem and rocksdb)
if(NOT TARGET cairn-server OR NOT TARGET cairn_trace_http)
  return()
endif()

cairn_library(cairn_server_integration_support SRCS ${CMAKE_CURRENT_LIST_DIR}/server_test_util.cc
  DEPS cairn_tools_support cairn_model Boost::json)

foreach(test_name server_kill_integration_test server_restart_integration_test
        server_tracing_integration_test)
  cairn_test(${test_name} SRCS ${CMAKE_CURRENT_LIST_DIR}/${test_name}.cc
    DEPS cairn_server_integration_support cairn_trace_http LABELS integration TIMEOUT 90)
  add_dependencies(${test_name} cairn-server)
  set_property(TEST ${test_name} APPEND PROPERTY ENVIRONMENT
    "CAIRN_SERVER_BINARY=$<TARGET_FILE:cairn-server>")
endforeach()
