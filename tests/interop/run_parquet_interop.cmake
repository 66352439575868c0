# Runs the Parquet interop suite: parquet_matrix writes the files into OUT_DIR, then
# read_parquet.mjs reads them with every reader. Invoked by CTest (see CMakeLists.txt) as
#   cmake -DNODE=... -DNODE_PACKAGE_DIR=... -DMATRIX=... -DREADER=... -DOUT_DIR=... -P this
# Any missing piece is a failure, never a skip.
if(NOT NODE OR NOT EXISTS "${NODE}")
  message(FATAL_ERROR "parquet_interop: Node.js not found (apt-get install nodejs), then "
                      "re-run cmake")
endif()
if(NOT EXISTS "${NODE_PACKAGE_DIR}/node_modules")
  message(FATAL_ERROR "parquet_interop: ${NODE_PACKAGE_DIR}/node_modules is missing: "
                      "run `npm ci` in ${NODE_PACKAGE_DIR}")
endif()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")

execute_process(COMMAND "${MATRIX}" "${OUT_DIR}" RESULT_VARIABLE matrix_result)
if(NOT matrix_result EQUAL 0)
  message(FATAL_ERROR "parquet_interop: parquet_matrix failed (${matrix_result})")
endif()

execute_process(COMMAND "${NODE}" "${READER}" "${OUT_DIR}"
                RESULT_VARIABLE reader_result)
if(NOT reader_result EQUAL 0)
  message(FATAL_ERROR "parquet_interop: read_parquet.mjs failed (${reader_result})")
endif()
