/* PL011 console output (QEMU's PL011 needs no set-up to transmit). */
#include "runtime.h"

#define UART_DR 0x00u
#define UART_FR 0x18u
#define FR_TXFF (1u << 5)

static volatile uint32_t *uart_reg(uint32_t off)
{
    return (volatile uint32_t *)(QEMU_UART_BASE + off);
}

void qemu_uart_putc(char c)
{
    while (*uart_reg(UART_FR) & FR_TXFF) {
    }
    *uart_reg(UART_DR) = (uint8_t)c;
}

void qemu_uart_puts(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\n') {
            qemu_uart_putc('\r');
        }
        qemu_uart_putc(*s);
    }
}
