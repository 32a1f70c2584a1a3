# tests/bench/local.mk: (placeholder until its owner fills it)
