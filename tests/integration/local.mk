# tests/integration/local.mk: (placeholder until its owner fills it)
