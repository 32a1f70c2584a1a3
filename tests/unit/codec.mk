# tests/unit/codec.mk: (placeholder until its owner fills it)
