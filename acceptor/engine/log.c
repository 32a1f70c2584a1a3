/*
 * log.c - the one way the acceptor writes a line: through the sink set with
 * credssp_config_set_log(), or syslog(3) (LOG_AUTHPRIV) by default.
 *
 * Its own file so that configuration, GSSAPI, the key index and the audit
 * line can all log without depending on each other (no include cycle).
 * Callers never pass a secret; names from the wire are escaped by the caller
 * (audit.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "acceptor_config.h"

static void
syslog_sink(int level, const char *msg)
{
    syslog(LOG_AUTHPRIV | level, "%s", msg);
}

void
cssp_log(const struct credssp_config *cfg, int level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (cfg != NULL && cfg->log != NULL)
        cfg->log(cfg->log_data, level, line);
    else
        syslog_sink(level, line);
}
