#!/bin/sh
# tests/style/module_imports.sh - each shared object links only what it runs
# (docs/DEVELOPMENT.md, "Layout"):
#
#   pam_credssp.so   imports no SSL_* (no TLS server), no gss_accept_sec_context
#                    (no GSS acceptor), no pam_start / pam_open_session (a PAM
#                    module is not a PAM application): nm -D --undefined-only;
#   libcredssp.so    has no libpam among its NEEDED entries (readelf -d): the
#                    acceptor is usable without PAM; credssp.pc does not name it;
#   libcredssp_pam.so  the PAM side: needs libpam, and does carry the login.
#
# The positive checks (the module does import pam_get_user; libcredssp_pam
# does need libpam and import pam_start) show the lists are read at all.
# Needs the built tree ($top_builddir, set by `make check`), nm and readelf.
builddir=${top_builddir:-.}
lib=$builddir/.libs/libcredssp.so
pamlib=$builddir/.libs/libcredssp_pam.so
mod=$builddir/pam_credssp/.libs/pam_credssp.so
status=0

for t in nm readelf; do
    command -v "$t" >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
for f in "$lib" "$pamlib" "$mod"; do
    [ -f "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done

imports() { nm -D --undefined-only "$1" | awk '{ sub(/@.*/, "", $2); print $2 }' | sort -u; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# expect_none WHAT LIST REGEX: no line of LIST matches REGEX.
expect_none() {
    hits=$(printf '%s\n' "$2" | grep -E "$3")
    if [ -n "$hits" ]; then
        echo "FAIL: $1:" $hits
        status=1
    fi
}
# expect_some WHAT LIST REGEX: some line of LIST matches REGEX.
expect_some() {
    printf '%s\n' "$2" | grep -qE "$3" || { echo "FAIL: $1 (regex $3)"; status=1; }
}

mod_imports=$(imports "$mod")
expect_some "pam_credssp.so imports no pam_get_user (list not read?)" "$mod_imports" '^pam_get_user$'
expect_none "pam_credssp.so imports TLS" "$mod_imports" '^SSL_'
expect_none "pam_credssp.so imports the GSS acceptor" "$mod_imports" '^gss_accept_sec_context$'
expect_none "pam_credssp.so imports the PAM application calls" "$mod_imports" \
    '^pam_(start|start_confdir|open_session|close_session|authenticate|acct_mgmt|end)$'
expect_none "pam_credssp.so needs libssl" "$(needed "$mod")" '^libssl\.'

expect_none "libcredssp.so needs libpam" "$(needed "$lib")" '^libpam'
expect_none "libcredssp.so imports pam_*" "$(imports "$lib")" '^pam_'

expect_some "libcredssp_pam.so does not need libpam" "$(needed "$pamlib")" '^libpam\.'
expect_some "libcredssp_pam.so does not import pam_start" "$(imports "$pamlib")" '^pam_start$'

[ "$status" -eq 0 ] && echo "imports: pam_credssp.so $(printf '%s\n' "$mod_imports" | wc -l)" \
    "symbols, no TLS, no GSS acceptor, no PAM application; libcredssp.so without libpam"
exit "$status"
