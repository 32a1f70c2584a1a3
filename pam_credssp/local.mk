# pam_credssp/local.mk: PAM module, hand-off, conversation helper (owner: pam).

# Library side (libcredssp_pam, include/credssp_pam.h): the keyring hand-off
# and the PAM environment (libcssp_handoff, which the module runs too), the
# conversation helper and the in-process login (libcssp_pam, a PAM application).
include_HEADERS += include/credssp_pam.h

# libcredssp_pam carries its own (hidden) copy of the base and codec layers it
# uses; it shares struct credssp_result with libcredssp, so the two come from
# one build (debian/control: libcredssp-pam0 depends on the same libcredssp0).
lib_LTLIBRARIES += libcredssp_pam.la
libcredssp_pam_la_SOURCES =
nodist_EXTRA_libcredssp_pam_la_SOURCES = dummy.c
libcredssp_pam_la_LIBADD = libcssp_pam.la libcssp_handoff.la libcssp_codec.la libcssp_base.la \
	$(PAM_LIBS) $(KEYUTILS_LIBS) $(GSSAPI_LIBS) $(LIBCRYPTO_LIBS)
libcredssp_pam_la_LDFLAGS = -version-info 0:0:0 -export-symbols-regex '^credssp_(pam|handoff)_' \
	-no-undefined -Wl,-z,defs

# The module: only pam_sm_* exported (version script, checked by tests/style/exports.sh);
# it links only the layers it runs - hand-off claim, key files, NT hash, the
# result, secrets - never the engine (TLS, GSS acceptor) nor the PAM
# application side (tests/style/module_imports.sh).
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
pam_credssp_pam_credssp_la_LIBADD = libcssp_handoff.la libcssp_keys.la libcssp_codec.la \
	libcssp_base.la $(PAM_LIBS) $(GSSAPI_LIBS) $(LIBCRYPTO_LIBS) $(KEYUTILS_LIBS)
pam_credssp_pam_credssp_la_LDFLAGS = -module -avoid-version -shared -no-undefined \
	-Wl,-z,defs -Wl,--version-script=$(srcdir)/pam_credssp/pam_credssp.map
EXTRA_pam_credssp_pam_credssp_la_DEPENDENCIES = $(srcdir)/pam_credssp/pam_credssp.map

EXTRA_DIST += pam_credssp/pam_credssp.map docs/KEYRING.md tests/integration/pam_lsan.supp \
	examples/pam.d/credssp-unix examples/pam.d/credssp-sss examples/pam.d/credssp-krb5 \
	examples/pam.d/credssp-winbind
