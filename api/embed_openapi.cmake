# Writes OUTPUT, a C++ source defining OpenApiDocument() (api/openapi.h) as the text of INPUT,
# so that the served document is always api/openapi.json as it is in the repository.
#
#   cmake -DINPUT=api/openapi.json -DOUTPUT=openapi_document.cc -P embed_openapi.cmake
file(READ "${INPUT}" document)
set(delimiter "openapi_json")
string(FIND "${document}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )${delimiter}\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from api/openapi.json by api/embed_openapi.cmake; do not edit.\n"
  "#include \"api/openapi.h\"\n\n"
  "namespace subex {\n\n"
  "std::string_view OpenApiDocument() {\n"
  "  static constexpr std::string_view kDocument = R\"${delimiter}(${document})${delimiter}\";\n"
  "  return kDocument;\n"
  "}\n\n"
  "}  // namespace subex\n")
# Replaced only when the text changed, so an unchanged document rebuilds nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
