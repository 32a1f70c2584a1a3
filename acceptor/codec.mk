# acceptor/codec.mk: bounded reader/writer, strict DER, the MS-CSSP codec (owner: codec).
# Add each file here once it compiles cleanly.
