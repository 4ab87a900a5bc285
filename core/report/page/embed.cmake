# Writes OUT: the page's stylesheet and script (core/report/page/) as C
# strings mi_report_page_css and mi_report_page_js.
set(out "/* Generated from core/report/page/ by its embed.cmake; do not edit. */\n")
foreach(pair "css;page.css" "js;page.js")
  list(GET pair 0 var)
  list(GET pair 1 file)
  file(READ ${PAGE_DIR}/${file} text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "?" "\\?" text "${text}") # no trigraphs
  string(REPLACE "\n" "\\n\"\n    \"" text "${text}")
  string(APPEND out "const char mi_report_page_${var}[] =\n    \"${text}\";\n")
endforeach()
file(WRITE ${OUT}.tmp "${out}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
