# Client library tests against a fake server (cmocka, plain and ASan/UBSan).
CLIENT_RIG_SRCS := tests/client/fake_server.c tests/client/client_rig.c

$(eval $(call unit_test,client,tests/client/test_client.c $(CLIENT_RIG_SRCS) $(GPU_CLIENT_SRCS),$(GPU_CLIENT_FLAGS)))

# libFuzzer: the client library against a hostile server (check client-fuzz, $(FUZZ_SECONDS) s;
# `make fuzz` runs it longer). Named client-* rather than fuzz-* so that T='client%' selects it.
$(BUILD)/fuzz/client-fuzz: tests/client/fuzz_client.c $(GPU_CLIENT_SRCS) $(ALL_HEADERS)
	@mkdir -p $(@D) $(BUILD)/corpus/client-fuzz
	$(CLANG) $(FUZZ_CFLAGS) $(GPU_CLIENT_FLAGS) -o $@ tests/client/fuzz_client.c $(GPU_CLIENT_SRCS) -lm
FUZZ_BINS += $(BUILD)/fuzz/client-fuzz
$(eval $(call add_check,client-fuzz,$(BUILD)/fuzz/client-fuzz,mkdir -p $(BUILD)/corpus/client-fuzz && $(BUILD)/fuzz/client-fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=$(BUILD)/client-fuzz- $(BUILD)/corpus/client-fuzz))
