# tests/integration/gateway.mk: gateway tests with real xrdp (owner: gateway).
