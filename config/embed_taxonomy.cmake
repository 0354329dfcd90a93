# Writes OUTPUT, a C++ source defining BuiltInTaxonomyText() (config/config.h) as the text of
# INPUT, so that a subexd without a configuration file still has config/processes.toml.
#
#   cmake -DINPUT=config/processes.toml -DOUTPUT=taxonomy_text.cc -P embed_taxonomy.cmake
file(READ "${INPUT}" text)
set(delimiter "processes_toml")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )${delimiter}\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from config/processes.toml by config/embed_taxonomy.cmake; do not edit.\n"
  "#include \"config/config.h\"\n\n"
  "namespace subex {\n\n"
  "std::string_view BuiltInTaxonomyText() {\n"
  "  static constexpr std::string_view kText = R\"${delimiter}(${text})${delimiter}\";\n"
  "  return kText;\n"
  "}\n\n"
  "}  // namespace subex\n")
# Replaced only when the text changed, so an unchanged taxonomy rebuilds nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
