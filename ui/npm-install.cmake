# `npm ci` for the web UI, run by ui/CMakeLists.txt: only when ui/node_modules was not installed
# from this package-lock.json (and node version) yet, under a lock so that several build trees
# sharing the source tree never install at the same time.
#   cmake -DNPM=... -DNODE=... -DUI_DIR=... -DSTAMP=... -P npm-install.cmake
file(LOCK ${UI_DIR}/.npm-install.lock GUARD PROCESS TIMEOUT 900 RESULT_VARIABLE lock_result)
if(NOT lock_result EQUAL 0)
  message(FATAL_ERROR "ui: cannot lock ${UI_DIR}/.npm-install.lock: ${lock_result}")
endif()

execute_process(COMMAND ${NODE} --version OUTPUT_VARIABLE node_version
                OUTPUT_STRIP_TRAILING_WHITESPACE)
file(SHA256 ${UI_DIR}/package-lock.json lock_hash)
set(wanted "${lock_hash} node ${node_version}")
set(marker ${UI_DIR}/node_modules/.cairn-installed)
set(installed "")
if(EXISTS ${marker})
  file(READ ${marker} installed)
endif()

if(NOT installed STREQUAL wanted)
  message(STATUS "ui: npm ci in ${UI_DIR}")
  execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error
                  WORKING_DIRECTORY ${UI_DIR} RESULT_VARIABLE npm_result)
  if(NOT npm_result EQUAL 0)
    message(FATAL_ERROR "ui: npm ci failed (exit ${npm_result}); it needs the npm registry")
  endif()
  file(WRITE ${marker} "${wanted}")
endif()
file(TOUCH ${STAMP})
