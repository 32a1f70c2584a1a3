# tests/integration/softhsm_lib.sh - a SoftHSM2 token for the smart-card
# tests (sourced, not run).  PKCS#11 v2.40 token with an RSA-2048 key pair
# and a self-signed X.509 certificate (CN=USER), same CKA_ID 01, so pam_p11
# finds the key through the certificate in ~USER/.eid/authorized_certificates.
#
# sc_make_token DIR USER PIN: DIR/softhsm2.conf (export SOFTHSM2_CONF=...),
# DIR/tokens, DIR/cert.pem.  Token label "cssp-USER", SO PIN = PIN reversed
# twice (never used).  Returns non-zero on failure.
SC_P11_MODULE=${SC_P11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

sc_make_token() {
    _d=$1 _u=$2 _pin=$3
    mkdir -p "$_d/tokens" || return 1
    printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
        "$_d/tokens" > "$_d/softhsm2.conf"
    (
        export SOFTHSM2_CONF="$_d/softhsm2.conf"
        softhsm2-util --init-token --free --label "cssp-$_u" --pin "$_pin" --so-pin "$_pin$_pin" \
            >/dev/null &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$_d/key.pem" -out "$_d/cert.pem" \
            -days 2 -subj "/CN=$_u" 2>/dev/null &&
        openssl pkcs8 -topk8 -nocrypt -in "$_d/key.pem" -out "$_d/key8.pem" &&
        softhsm2-util --import "$_d/key8.pem" --token "cssp-$_u" --label "$_u" --id 01 \
            --pin "$_pin" >/dev/null &&
        openssl x509 -in "$_d/cert.pem" -outform DER -out "$_d/cert.der" &&
        pkcs11-tool --module "$SC_P11_MODULE" --token-label "cssp-$_u" --login --pin "$_pin" \
            --write-object "$_d/cert.der" --type cert --id 01 --label "$_u" >/dev/null 2>&1
    ) || return 1
    rm -f "$_d/key.pem" "$_d/key8.pem"
    return 0
}
