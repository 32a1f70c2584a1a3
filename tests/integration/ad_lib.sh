# tests/integration/ad_lib.sh - a throwaway Samba 4 Active Directory domain
# controller on loopback for the AD tests (sourced after interop_lib.sh).
#
# Facts behind it: /work/shared/design/ACTIVE-DIRECTORY.md (Samba 4.17 from
# Debian 12).  Everything lives under $T/ad; the DC listens on 127.0.0.1 only
# and is stopped by its PID: its process group and every descendant (smbd and
# winbindd make process groups of their own).  One DC per host (fixed ports 88/389/445/...
# and the compiled-in winbind socket /run/samba/winbindd/pipe): ad_start
# takes an exclusive flock on AD_LOCK for the life of the test, so tests of
# one `make -j2 check` run one after the other.  The host's nsswitch.conf and
# /etc/pam.d/common-* are never touched here (a change meanwhile is noted).
#
# Domain AD.TEST (NetBIOS ADTEST).  Accounts:
#   alice      AD_ALICE_PW, uid 20001, never expires
#   carol      disabled (AD_CAROL_PW)
#   dave       password must change at next logon (AD_DAVE_PW)
#   rdpsvc     service account, SPNs TERMSRV/localhost and TERMSRV/<fqdn>,
#              AES only; its keys exported to AD_KEYTAB
#   rc4svc     SPN TERMSRV/rc4.ad.test, default enctypes: AD_RC4_KEYTAB holds
#              RC4 keys only (the classic mistake)
# Exports KRB5_CONFIG (the realm's krb5.conf) and KRB5CCNAME (under $T).
# AD_PROVISION_OPTION: one more smb.conf "name=value" for the DC (optional).

AD_REALM=AD.TEST
AD_DOMAIN=ADTEST
AD_ALICE_PW='Alice-pw-2024!'
AD_CAROL_PW='Carol-pw-2024!'
AD_DAVE_PW='Dave-pw-2024!'
AD_ADMIN_PW='Admin-pw-2024!'
AD_SVC_PW='Svc-pw-2024-long!'
: "${AD_LOCK:=/run/lock/credssp-ad-dc.lock}"
AD_PID=""
AD_WBPIPE=/run/samba/winbindd/pipe

# ad_need: skip unless the Samba AD DC packages are present and we are root.
ad_need() {
    [ "$(id -u)" = 0 ] || il_skip "the AD DC needs root (fixed ports, /run/samba)"
    il_need samba samba-tool wbinfo flock kinit /usr/share/samba/setup
    "$PY" -c 'import samba.samdb' 2>/dev/null || il_skip "python3-samba missing"
}

# ad_host_files: a fingerprint of the host files the samba packages edit.
ad_host_files() {
    cat /etc/nsswitch.conf /etc/pam.d/common-* 2>/dev/null | cksum
}

# ad_lock: wait for the one-DC-per-host lock; skip when a DC / KDC that is
# not ours holds port 88 (a killed run's DC is reported, never killed).
ad_lock() {
    ad_need
    AD_HOSTSUM=$(ad_host_files)
    D=$T/ad
    mkdir -p "$D/log" "$D/run/ncalrpc" "$D/cache" || il_fail "mkdir $D"
    exec 9>"$AD_LOCK" || il_fail "cannot open $AD_LOCK"
    flock -w 170 9 || il_fail "another AD test holds $AD_LOCK"
    if "$PY" -c 'import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(("127.0.0.1",88))!=0)'; then
        il_skip "port 88 on 127.0.0.1 is taken (another KDC / DC is running)"
    fi
    # The DC's winbindd takes the compiled-in socket: not on a host whose own
    # winbindd (a domain member) answers there.
    if "$PY" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); sys.exit(s.connect_ex(sys.argv[1])!=0)' \
        "$AD_WBPIPE" 2>/dev/null; then
        il_skip "a winbindd answers at $AD_WBPIPE (this host is a domain member)"
    fi
}

# ad_start: (lock,) provision, start, create the accounts and the keytab.
ad_start() {
    [ -n "${D:-}" ] || ad_lock
    cat >"$D/krb5.conf" <<EOF
[libdefaults]
    default_realm = $AD_REALM
    rdns = false
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
[realms]
    $AD_REALM = {
        kdc = 127.0.0.1:88
        admin_server = 127.0.0.1
    }
[domain_realm]
    localhost = $AD_REALM
    .ad.test = $AD_REALM
EOF
    export KRB5_CONFIG="$D/krb5.conf"
    export KRB5CCNAME="FILE:$T/krb5cc"
    # The DC's dynamic RPC ports default to 49152-65535, inside Linux's
    # ephemeral range (32768-60999): a port another test's socket happened to
    # get made samba exit at start (NT_STATUS_ADDRESS_ALREADY_ASSOCIATED on
    # 127.0.0.1:49154, seen once in make -j2 check).  20110-20189 is below it.
    samba-tool domain provision --targetdir="$D/dc" --realm=$AD_REALM \
        --domain=$AD_DOMAIN --server-role=dc --dns-backend=NONE --use-rfc2307 \
        --adminpass="$AD_ADMIN_PW" --host-ip=127.0.0.1 \
        --option='interfaces=lo' --option='bind interfaces only=yes' \
        --option="log file=$D/log/%m.log" --option="pid directory=$D/run" \
        --option="ncalrpc dir=$D/run/ncalrpc" --option="cache directory=$D/cache" \
        --option='server services=s3fs, rpc, ldap, cldap, kdc, winbindd, drepl, kcc' \
        --option='log level=1 auth_audit:3' ${AD_PROVISION_OPTION:+"--option=$AD_PROVISION_OPTION"} \
        --option='rpc server dynamic port range = 20110-20189' \
        >"$D/provision.log" 2>&1 ||
        il_fail "samba-tool domain provision (see $D/provision.log)"
    AD_CONF=$D/dc/etc/smb.conf
    # Its own session and process group (setsid execs in place: the shell
    # runs without job control), so that ad_stop reaches every child by the
    # group id of the process started here.
    setsid samba -s "$AD_CONF" --foreground --no-process-group >"$D/samba.out" 2>&1 &
    AD_PID=$!
    _ok=0
    for _ in $(seq 600); do
        kill -0 "$AD_PID" 2>/dev/null || il_fail "samba exited at start"
        if wbinfo -p >/dev/null 2>&1 &&
            "$PY" -c 'import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(("127.0.0.1",88)))'; then
            _ok=1
            break
        fi
        sleep 0.1
    done
    [ "$_ok" = 1 ] || il_fail "samba did not answer within 60 s"
    [ "$(ps -o pgid= -p "$AD_PID" | tr -d ' ')" = "$AD_PID" ] ||
        il_fail "samba does not lead its own process group"
    ad_tool user create alice "$AD_ALICE_PW" --uid-number=20001 --gid-number=100
    ad_tool user setexpiry alice --noexpiry
    ad_tool user create carol "$AD_CAROL_PW"
    ad_tool user setexpiry carol --noexpiry
    ad_tool user disable carol
    ad_tool user create dave "$AD_DAVE_PW" --must-change-at-next-login
    ad_tool user create rdpsvc "$AD_SVC_PW"
    ad_tool user setexpiry rdpsvc --noexpiry
    AD_FQDN=$(hostname -f 2>/dev/null || hostname)
    ad_tool spn add TERMSRV/localhost rdpsvc
    case $AD_FQDN in
    localhost | "") ;;
    *) ad_tool spn add "TERMSRV/$AD_FQDN" rdpsvc ;;
    esac
    # AES only (18 + 8 = 24): without it the keytab gets RC4 keys alone.
    "$PY" - "$D/dc/private/sam.ldb" <<'EOF' >>"$D/tool.log" 2>&1 || il_fail "set AES enctypes"
import sys
from samba.samdb import SamDB
from samba.param import LoadParm
from samba.auth import system_session
lp = LoadParm()
db = SamDB(url=sys.argv[1], session_info=system_session(), lp=lp)
dn = db.search(base=db.domain_dn(), expression="(sAMAccountName=rdpsvc)", attrs=["dn"])[0].dn
db.modify_ldif("dn: %s\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\n"
               "msDS-SupportedEncryptionTypes: 24\n" % dn)
EOF
    # rc4svc: an SPN on an account left at the default enctypes: RC4 keys only.
    ad_tool user create rc4svc "$AD_SVC_PW"
    ad_tool spn add TERMSRV/rc4.ad.test rc4svc
    AD_RC4_KEYTAB=$D/rc4.keytab
    ad_tool domain exportkeytab "$AD_RC4_KEYTAB" --principal=TERMSRV/rc4.ad.test
    AD_KEYTAB=$D/termsrv.keytab
    ad_tool domain exportkeytab "$AD_KEYTAB" --principal=TERMSRV/localhost
    if [ "$AD_FQDN" != localhost ] && [ -n "$AD_FQDN" ]; then
        ad_tool domain exportkeytab "$AD_KEYTAB" --principal="TERMSRV/$AD_FQDN"
    fi
}

# ad_tool ARGS...: samba-tool against the DC's own database.
ad_tool() {
    samba-tool "$@" -s "$AD_CONF" >>"$D/tool.log" 2>&1 || il_fail "samba-tool $*"
}

# ad_descendants PID: the pids of every process below PID (by parent pid).
ad_descendants() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END {
            for (p in parent) {
                q = p
                for (i = 0; i < 64 && q != "" && q != root && q > 1; i++) q = parent[q]
                if (q == root && p != root) print p
            }
        }'
}

# ad_stop: stop the DC by PID (SIGTERM, then SIGKILL after 5 s), release the
# lock, note when the host's nsswitch.conf / pam.d/common-* changed.
ad_stop() {
    if [ -n "$AD_PID" ]; then
        # samba's helpers may leave its process group (tfork): take the
        # descendants by parent pid first, and wait for each of them too.
        _desc=$(ad_descendants "$AD_PID")
        kill "$AD_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 -- "-$AD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 -- "-$AD_PID" 2>/dev/null
        wait "$AD_PID" 2>/dev/null
        for _i in $(seq 30); do
            _alive=""
            for p in $_desc; do kill -0 "$p" 2>/dev/null && _alive="$_alive $p"; done
            [ -z "$_alive" ] && break
            # shellcheck disable=SC2086
            [ "$_i" = 20 ] && kill -9 $_alive 2>/dev/null
            sleep 0.1
        done
        AD_PID=""
    fi
    exec 9>&-
    # Only a note: a package install elsewhere on the machine (pam-auth-update)
    # may change them meanwhile; nothing here writes to /etc.
    if [ -n "${AD_HOSTSUM:-}" ] && [ "$(ad_host_files)" != "$AD_HOSTSUM" ]; then
        echo "note: /etc/nsswitch.conf or /etc/pam.d/common-* changed during the test"
    fi
    return 0
}

# ad_cleanup: the EXIT trap: the DC first, then interop_lib's cleanup.
ad_cleanup() {
    _rc=$?
    ad_stop || _rc=1
    if [ "$_rc" != 0 ] && [ "$_rc" != 77 ] && [ -n "${D:-}" ]; then
        for f in "$D/tool.log" "$D/samba.out" "$D/log/%m.log" "$D/log/log.wb-$AD_DOMAIN"; do
            [ -f "$f" ] || continue
            echo "----- $f"
            tail -n 30 "$f"
        done
    fi
    (exit "$_rc")
    il_cleanup
}
