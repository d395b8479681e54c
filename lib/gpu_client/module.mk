# The GPU client library: sources for clients and their tests (no binary of its own).
GPU_CLIENT_SRCS := lib/gpu_client/gpu_client.c lib/gpu_client/gpu_fb.c
GPU_CLIENT_FLAGS := -Ilib/gpu_client
