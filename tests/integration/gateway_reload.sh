#!/bin/sh
# gateway_reload.sh - server_reload.sh against credssp-gateway: SIGHUP swaps
# the front certificate for new connections while a held one completes its
# CredSSP login bound to the old certificate; a broken file keeps the old.
RELOAD_DAEMON=gateway exec sh "$(dirname "$0")/server_reload.sh"
