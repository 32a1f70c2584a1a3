# examples/gateway.mk: credssp-gateway (owner: gateway).
