# man/local.mk: manual pages from scdoc sources (owner: deb).
# The pages are generated at build time; `make dist` ships them too, so a
# build from the tarball needs no scdoc (VPATH finds them in srcdir).
SCDOC_PAGES = man/credssp-gateway.8 man/credssp-server.8 man/credssp-keyfile.8 \
	man/pam_credssp.8 man/credssp.conf.5 man/gateway.conf.5 man/server.conf.5 \
	man/credssp.3
dist_man_MANS = $(SCDOC_PAGES)
EXTRA_DIST += $(SCDOC_PAGES:=.scd)
MAINTAINERCLEANFILES = $(SCDOC_PAGES)
# `man credssp_engine_new` etc.: the main calls are described in credssp(3).
dist_man3_MANS = man/credssp_config_new.3 man/credssp_config_prepare.3 \
	man/credssp_engine_new.3 man/credssp_engine_feed.3 man/credssp_engine_output.3 \
	man/credssp_engine_result.3 man/credssp_result_secret.3 man/credssp_secret_free.3 \
	man/credssp_strerror.3 man/credssp_drive_fd.3 man/credssp_pam_login.3 \
	man/credssp_handoff_store.3 man/credssp_handoff_claim.3 \
	man/credssp_engine_set_deferred.3 man/credssp_engine_step.3 \
	man/credssp_config_set_ntlm_keyfile_indexed.3 man/credssp_config_reload_ntlm_keyfile.3 \
	man/credssp_config_after_fork.3
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
# One page per configuration file, shipped with the package that owns the
# file (debian/credssp-gateway.install, debian/credssp-tools.install).
man/gateway.conf.5: man/gateway.conf.5.scd
	$(SCDOC_GEN)
man/server.conf.5: man/server.conf.5.scd
	$(SCDOC_GEN)
man/credssp.3: man/credssp.3.scd
	$(SCDOC_GEN)
man/pam_credssp.8: man/pam_credssp.8.scd
	$(SCDOC_GEN)
