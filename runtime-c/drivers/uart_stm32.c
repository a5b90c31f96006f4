/*
 * STM32 USART, register layout of the F1/F2/F4 families ("USARTv1"): e.g.
 * USART1 at 0x40011000 on the STM32F405 (netduinoplus2), USART1 at
 * 0x40013800 on the STM32F100/F103, USART2 at 0x40004400 on the STM32F401.
 *
 * QEMU's stm32f2xx_usart model sends every byte written to DR at once and
 * keeps SR.TXE set; it ignores BRR and does not require CR1.TE. Real parts
 * need UE and TE, and a baud rate divisor from the bus clock: BRR is set for
 * 115200 baud from MOTE_CLOCK_HZ (the clock the board file states).
 * Enabling the USART's bus clock and routing its TX pin are the board's job
 * (see docs/boards.md).
 */
#include "mote_rt.h"

#ifdef MOTE_CONSOLE_STM32_USART

#define USART_SR  (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x00u))
#define USART_DR  (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x04u))
#define USART_BRR (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x08u))
#define USART_CR1 (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x0Cu))
#define USART_SR_TXE  (1u << 7)  /* transmit data register empty */
#define USART_CR1_UE  (1u << 13) /* USART enable */
#define USART_CR1_TE  (1u << 3)  /* transmitter enable */
#define CONSOLE_BAUD 115200u

void mote_console_init(void)
{
    USART_BRR = (MOTE_CLOCK_HZ + CONSOLE_BAUD / 2u) / CONSOLE_BAUD;
    USART_CR1 = USART_CR1_UE | USART_CR1_TE;
}

void mote_console_putc(uint8_t c)
{
    while (!(USART_SR & USART_SR_TXE)) {
    }
    USART_DR = c;
}

#endif
