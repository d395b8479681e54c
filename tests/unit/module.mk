# Unit tests of the protocol headers and queues (cmocka, plain and ASan/UBSan).
$(eval $(call unit_test,protocol,tests/unit/test_protocol.c))
$(eval $(call unit_test,queue,tests/unit/test_queue.c))
