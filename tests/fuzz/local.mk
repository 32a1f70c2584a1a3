# tests/fuzz/local.mk: (placeholder until its owner fills it)
