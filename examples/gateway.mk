# examples/gateway.mk: credssp-gateway, NLA in front of xrdp (owner: gateway).
# x224.c, mcs.c, cert.c and json.c are the example server's (one code path for
# the X.224 Connection Request, client MCS PDUs, the certificate and JSON).
sbin_PROGRAMS += examples/credssp-gateway
examples_credssp_gateway_SOURCES = \
	examples/gateway/gateway.h \
	examples/gateway/main.c \
	examples/gateway/loop.c examples/gateway/loop.h \
	examples/gateway/session.c examples/gateway/session.h \
	examples/gateway/front.c \
	examples/gateway/backconn.c \
	examples/gateway/admit.c \
	examples/gateway/relay.c \
	examples/gateway/queue.c examples/gateway/queue.h \
	examples/gateway/mcsfix.c examples/gateway/mcsfix.h \
	examples/gateway/infopdu.c examples/gateway/infopdu.h \
	examples/gateway/usermap.c examples/gateway/usermap.h \
	examples/gateway/backend.c examples/gateway/backend.h \
	examples/gateway/backtls.c examples/gateway/backtls.h \
	examples/gateway/capture.c examples/gateway/capture.h \
	examples/gateway/audit.c examples/gateway/audit.h \
	examples/server/x224.c examples/server/x224.h \
	examples/server/frontend.c examples/server/frontend.h \
	examples/server/cfgref.c examples/server/cfgref.h \
	examples/server/admission.c examples/server/admission_opts.c examples/server/admission.h \
	examples/server/steppool.c examples/server/steppool.h \
	examples/server/ad_opts.c examples/server/ad_opts.h \
	examples/server/mcs.c examples/server/mcs.h \
	examples/server/cert.c examples/server/cert.h \
	examples/server/json.c examples/server/json.h \
	examples/server/conffile.c examples/server/conffile.h
examples_credssp_gateway_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/examples/server
examples_credssp_gateway_LDADD = libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) \
	$(KEYUTILS_LIBS) $(PAM_LIBS)
EXTRA_DIST += examples/systemd/credssp-gateway.service
