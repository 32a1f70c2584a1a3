# pam_credssp/local.mk: PAM module, hand-off, conversation helper (owner: pam).

# Library side: conversation helper, in-process login, keyring hand-off.
include_HEADERS += include/credssp_pam.h
libcredssp_core_la_SOURCES += \
	acceptor/pamconv.c \
	acceptor/pamlogin.c \
	acceptor/pamenv.c \
	acceptor/handoff.c acceptor/handoff_fmt.c acceptor/handoff.h
libcredssp_core_la_LIBADD += $(PAM_LIBS)

# The module: only pam_sm_* exported (version script, checked by test_exports).
pammod_LTLIBRARIES = pam_credssp/pam_credssp.la
pam_credssp_pam_credssp_la_SOURCES = \
	pam_credssp/pcssp.h \
	pam_credssp/public.c \
	pam_credssp/options.c \
	pam_credssp/auth.c \
	pam_credssp/identity.c \
	pam_credssp/setcred.c \
	pam_credssp/enroll.c \
	pam_credssp/kerberos.c \
	pam_credssp/logging.c
pam_credssp_pam_credssp_la_LIBADD = libcredssp_core.la $(PAM_LIBS) $(GSSAPI_LIBS) \
	$(OPENSSL_LIBS) $(KEYUTILS_LIBS)
pam_credssp_pam_credssp_la_LDFLAGS = -module -avoid-version -shared -no-undefined \
	-Wl,-z,defs -Wl,--version-script=$(srcdir)/pam_credssp/pam_credssp.map
EXTRA_pam_credssp_pam_credssp_la_DEPENDENCIES = $(srcdir)/pam_credssp/pam_credssp.map

dist_man8_MANS = docs/pam_credssp.8
EXTRA_DIST += pam_credssp/pam_credssp.map docs/KEYRING.md tests/integration/pam_lsan.supp \
	examples/pam.d/credssp-unix examples/pam.d/credssp-sss examples/pam.d/credssp-krb5
