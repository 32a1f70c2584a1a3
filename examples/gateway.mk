# examples/gateway.mk: credssp-gateway, NLA in front of xrdp (owner: gateway).
# It links the front-end base (examples/common/local.mk), as credssp-server does.
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
	examples/gateway/mcsfix.c examples/gateway/mcsfix.h \
	examples/gateway/infopdu.c examples/gateway/infopdu.h \
	examples/gateway/backend.c examples/gateway/backend.h \
	examples/gateway/backtls.c examples/gateway/backtls.h \
	examples/gateway/capture.c examples/gateway/capture.h \
	examples/gateway/audit.c examples/gateway/audit.h
examples_credssp_gateway_CPPFLAGS = $(AM_CPPFLAGS) $(FRONTEND_CPPFLAGS)
examples_credssp_gateway_LDADD = $(FRONTEND_LIBS) libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) \
	$(KEYUTILS_LIBS) $(PAM_LIBS)
EXTRA_DIST += examples/systemd/credssp-gateway.service
