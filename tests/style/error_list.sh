#!/bin/sh
# tests/style/error_list.sh HEADER - print the C arrays test_error.c checks,
# generated from the enums of include/credssp.h so that a new error code or
# category cannot slip past the table test: every CREDSSP_E_* entry of
# `typedef enum credssp_error`, every CREDSSP_CAT_* entry but NONE of
# `typedef enum credssp_error_category`.  Fails if either list is empty or a
# code has no explicit value (the category is its high byte).
hdr=${1:?usage: error_list.sh include/credssp.h}
awk '
/typedef enum credssp_error \{/          { in_err = 1; next }
/typedef enum credssp_error_category \{/ { in_cat = 1; next }
/^\}/                                    { in_err = 0; in_cat = 0; next }
in_err && match($0, /^[ \t]*CREDSSP_E_[A-Z0-9_]+/) {
    s = substr($0, RSTART, RLENGTH); gsub(/[ \t]/, "", s)
    if ($0 !~ /^[ \t]*CREDSSP_E_[A-Z0-9_]+[ \t]*=/) {
        print "error_list.sh: " s " has no explicit value" > "/dev/stderr"; bad = 1
    }
    codes[++nc] = s
}
in_cat && match($0, /^[ \t]*CREDSSP_CAT_[A-Z0-9_]+[ \t]*=/) {
    s = substr($0, RSTART, RLENGTH); sub(/[ \t]*=$/, "", s); gsub(/[ \t]/, "", s)
    if (s != "CREDSSP_CAT_NONE") cats[++nk] = s
}
END {
    if (nc == 0 || nk == 0) { print "error_list.sh: no enum entries found" > "/dev/stderr"; exit 1 }
    if (bad) exit 1
    print "/* Generated from include/credssp.h by tests/style/error_list.sh; do not edit. */"
    print "static const credssp_error all_codes[] = {"
    for (i = 1; i <= nc; i++) print "    " codes[i] ","
    print "};"
    print "static const credssp_error_category all_categories[] = {"
    for (i = 1; i <= nk; i++) print "    " cats[i] ","
    print "};"
}' "$hdr"
