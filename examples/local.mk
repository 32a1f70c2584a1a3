# examples/local.mk: (placeholder until its owner fills it)
