# Real Debian programs run without and with the shim (`make clients`).
# Included by the top-level Makefile after its own variables.

# Debian packages the client tests run (installed by `make deps`).
CLIENT_PKGS := bubblewrap python3 python3-seccomp man-db crun vsftpd

CLIENT_TESTS := tests/clients/test_clients
CLIENT_BINS  := tests/clients/tsync

CLIENT_DEFS := -DCLIENTS_DIR='"$(CURDIR)/tests/clients"' \
               -DTSYNC_PATH='"$(CURDIR)/tests/clients/tsync"'

tests/clients/tsync: tests/clients/tsync.c
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@ -lpthread $(LDLIBS)

tests/clients/test_clients: tests/clients/test_clients.c tests/integration/runner.h \
		$(LIB) $(CLIENT_BINS)
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(TEST_DEFS) $(CLIENT_DEFS) \
	  $< -o $@ $(LDFLAGS) $$(pkg-config --libs cmocka) $(LDLIBS)
