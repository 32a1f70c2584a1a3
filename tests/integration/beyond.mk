# tests/integration/beyond.mk: smart card, Restricted Admin, Remote Guard, enrolment tests (owner: beyond).
#
# cssp_connect: an engine-level RDP client over TCP (X.224 negotiation flags
# of our choice, then TLS + CredSSP through the test client libcsspclient.la).
check_PROGRAMS += tests/integration/cssp_connect
tests_integration_cssp_connect_SOURCES = tests/integration/cssp_connect.c
tests_integration_cssp_connect_CFLAGS = $(UNIT_CFLAGS)
tests_integration_cssp_connect_LDADD = tests/integration/libcsspclient.la $(UNIT_LDADD)
