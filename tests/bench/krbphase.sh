# shellcheck shell=bash disable=SC2154  # sourced by run.sh, which sets bench, work, top, last_pid
# tests/bench/krbphase.sh - the Kerberos-logins phase of issue 15, sourced by
# `tests/bench/run.sh --kerberos` (which provides $bench, $work, $N, $C,
# $top, pids, start_server and the cleanup that stops every process it
# started by PID, the KDC included).
#
# A throwaway MIT realm (tests/integration/mkrealm.sh) on 127.0.0.1, alice's
# TGT in a private ccache, one credssp-server with the realm's keytab
# (TERMSRV/localhost) and the bench account's NT-hash key file.  Against that
# one server: a warm-up and N logins of each kind, interleaved - raw NTLM
# (the bench account) and SPNEGO(Kerberos) (alice, AP-REQ from the ccache,
# the acceptor's replay cache on: MIT's default file cache, KRB5RCACHETYPE
# unset) - and SPNEGO(Kerberos) against a second server started with
# KRB5RCACHETYPE=none, to show what the replay cache costs.  Prints the rows.

KR_ROUNDS=${KR_ROUNDS:-2}

if ! sh "$top/tests/integration/mkrealm.sh" "$work/realm" >"$work/realm.env" 2>"$work/realm.err"; then
    echo "kerberos phase: no KDC could be started:" >&2
    cat "$work/realm.err" >&2
    exit 1
fi
# shellcheck disable=SC1091
. "$work/realm.env"
pids+=("$KDC_PID")
export KRB5_CONFIG KRB5CCNAME
unset KRB5_KDC_PROFILE KRB5RCACHETYPE
echo alicepw | kinit alice >/dev/null || { echo "kerberos phase: kinit failed" >&2; exit 1; }
start_server krb --keytab "$work/realm/service.keytab" --ntlm-keyfile "$work/ntlm.keys" \
    --min-version 6 --ending dpum
kr_pid=$last_pid
kr_port=$(cat "$work/krb.port")
# The same without a replay cache, to show what it costs.
KRB5RCACHETYPE=none start_server krbnorc --keytab "$work/realm/service.keytab" \
    --ntlm-keyfile "$work/ntlm.keys" --min-version 6 --ending dpum
kr_norc_pid=$last_pid
kr_norc_port=$(cat "$work/krbnorc.port")

echo "# Kerberos logins (issue 15), $(date -u '+%Y-%m-%d %H:%M UTC')," \
    "commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- MIT krb5 $(dpkg-query -W -f='${Version}' libkrb5-3 2>/dev/null || echo ?)," \
    "replay cache: MIT default (KRB5RCACHETYPE unset, KRB5RCACHEDIR=${KRB5RCACHEDIR:-/var/tmp});" \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
kr_rc=0
for r in $(seq 1 "$KR_ROUNDS"); do
    for kind in ntlm krb5 krb5-no-rcache; do
        port=$kr_port
        pid=$kr_pid
        case $kind in
        ntlm) set -- ;;
        krb5) set -- --krb5 --user alice --domain TEST.LOCAL --password alicepw ;;
        *) set -- --krb5 --user alice --domain TEST.LOCAL --password alicepw
           port=$kr_norc_port
           pid=$kr_norc_pid ;;
        esac
        echo "round $r, $kind:"
        "$bench" --cssp "127.0.0.1:$port" --cssp-pid "$pid" -n "$N" -c "$C" \
            --rounds 1 --warmup "$([ "$r" = 1 ] && echo 200 || echo 0)" --soak 0 --burst 0 "$@" \
            | grep -E '^\| (warmup|round)' || kr_rc=1
    done
done
echo
echo "- server reports: $(grep -c '"outcome":"ok"' "$work/krb.json" || true) ok of $(wc -l <"$work/krb.json");" \
    "Kerberos ok: $(grep -c '"mech":"kerberos".*"outcome":"ok"' "$work/krb.json" || true);" \
    "without replay cache: $(grep -c '"outcome":"ok"' "$work/krbnorc.json" || true) ok of $(wc -l <"$work/krbnorc.json")"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$kr_rc"
