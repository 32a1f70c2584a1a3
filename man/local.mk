# man/local.mk: manual pages from scdoc sources (owner: deb).
# The pages are generated at build time; `make dist` ships them too, so a
# build from the tarball needs no scdoc (VPATH finds them in srcdir).
# docs/pam_credssp.8 is hand-written roff (pam_credssp/local.mk).
SCDOC_PAGES = man/credssp-gateway.8 man/credssp-server.8 man/credssp-keyfile.8 \
	man/credssp.conf.5 man/credssp.3
dist_man_MANS = $(SCDOC_PAGES)
EXTRA_DIST += $(SCDOC_PAGES:=.scd)
MAINTAINERCLEANFILES = $(SCDOC_PAGES)
SCDOC_GEN = $(AM_V_GEN)$(MKDIR_P) man && \
	if test -z "$(SCDOC)"; then \
	  echo "$@: scdoc is needed to build the manual pages (apt-get install scdoc)" >&2; \
	  exit 1; fi && \
	$(SCDOC) <$< >$@.tmp && mv $@.tmp $@
man/credssp-gateway.8: man/credssp-gateway.8.scd
	$(SCDOC_GEN)
man/credssp-server.8: man/credssp-server.8.scd
	$(SCDOC_GEN)
man/credssp-keyfile.8: man/credssp-keyfile.8.scd
	$(SCDOC_GEN)
man/credssp.conf.5: man/credssp.conf.5.scd
	$(SCDOC_GEN)
man/credssp.3: man/credssp.3.scd
	$(SCDOC_GEN)
