# Writes OUTPUT, a C++ source defining `std::string_view FUNCTION()` (declared in HEADER) as the
# text of INPUT, so that what the binary serves or reads is the repository's file as it is.
#
#   cmake -DINPUT=api/openapi.json -DOUTPUT=openapi_document.cc -DHEADER=api/openapi.h
#         -DFUNCTION=OpenApiDocument -DDELIMITER=openapi_json -P cmake/embed_text.cmake
file(READ "${INPUT}" text)
get_filename_component(name "${INPUT}" NAME)
string(FIND "${text}" ")${DELIMITER}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )${DELIMITER}\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${name} by cmake/embed_text.cmake; do not edit.\n"
  "#include \"${HEADER}\"\n\n"
  "namespace subex {\n\n"
  "std::string_view ${FUNCTION}() {\n"
  "  static constexpr std::string_view kText = R\"${DELIMITER}(${text})${DELIMITER}\";\n"
  "  return kText;\n"
  "}\n\n"
  "}  // namespace subex\n")
# Replaced only when the text changed, so an unchanged file rebuilds nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
