# examples/local.mk: credssp-server, the example RDP front end (owner: server).
bin_PROGRAMS += examples/credssp-server
examples_credssp_server_SOURCES = \
	examples/server/main.c examples/server/server.h \
	examples/server/loop.c examples/server/loop.h \
	examples/server/conn.c examples/server/conn.h examples/server/conn_int.h \
	examples/server/conn_io.c examples/server/conn_pam.c examples/server/conn_end.c \
	examples/server/x224.c examples/server/x224.h \
	examples/server/json.c examples/server/json.h \
	examples/server/report.c examples/server/report.h \
	examples/server/cert.c examples/server/cert.h \
	examples/server/tlsonly.c examples/server/tlsonly.h \
	examples/server/frontend.c examples/server/frontend.h \
	examples/server/cfgref.c examples/server/cfgref.h \
	examples/server/admission.c examples/server/admission_opts.c examples/server/admission.h \
	examples/server/ad_opts.c examples/server/ad_opts.h \
	examples/server/pamjob.c examples/server/pamjob.h \
	examples/server/steppool.c examples/server/steppool.h \
	examples/server/conffile.c examples/server/conffile.h \
	examples/server/mcs.c examples/server/mcs.h
examples_credssp_server_LDADD = libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) \
	$(KEYUTILS_LIBS) $(PAM_LIBS) -lpthread
