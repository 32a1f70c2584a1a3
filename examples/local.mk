# examples/local.mk: credssp-server, the example RDP front end (owner: server).
# It links the front-end base (examples/common/local.mk).
bin_PROGRAMS += examples/credssp-server
examples_credssp_server_SOURCES = \
	examples/server/main.c examples/server/server.h \
	examples/server/loop.c examples/server/loop.h \
	examples/server/conn.c examples/server/conn.h examples/server/conn_int.h \
	examples/server/conn_io.c examples/server/conn_pam.c examples/server/conn_end.c \
	examples/server/report.c examples/server/report.h \
	examples/server/pamjob.c examples/server/pamjob.h \
	examples/server/pamhelpers.c examples/server/pamhelpers.h
examples_credssp_server_CPPFLAGS = $(AM_CPPFLAGS) $(FRONTEND_CPPFLAGS)
examples_credssp_server_LDADD = $(FRONTEND_LIBS) libcredssp_core.la $(OPENSSL_LIBS) \
	$(GSSAPI_LIBS) $(KEYUTILS_LIBS) $(PAM_LIBS) -lpthread
