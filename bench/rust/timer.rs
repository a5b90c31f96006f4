//! Sleeping, for the programs that use time (`#[path = "timer.rs"] mod timer;`): the clock
//! and the timers on SysTick, tickless, at the lm3s6965evb's 12 MHz core clock.
//!
//! The clock counts core cycles in a wrapping u32 (six minutes): SysTick counts down one
//! period at a time, `BASE` is the cycle count at the start of the current period, so
//! now = BASE + elapsed cycles of the period. Each period runs to the earliest deadline (or
//! 2^24 cycles, the longest SysTick allows), so the core is interrupted only when a timer is
//! due or the counter needs extending. A task sleeps on at most one timer at a time: the
//! timers are one deadline per task and a mask of the tasks sleeping.

use crate::rt::{current_task, wake};
use core::arch::asm;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

const CYCLES_PER_US: u32 = 12;
const MAX_TASKS: usize = 8;

const SYST_CSR: *mut u32 = 0xE000_E010 as *mut u32;
const SYST_RVR: *mut u32 = 0xE000_E014 as *mut u32;
const SYST_CVR: *mut u32 = 0xE000_E018 as *mut u32;
const SCB_ICSR: *mut u32 = 0xE000_ED04 as *mut u32;
const ICSR_PENDSTSET: u32 = 1 << 26;
const ICSR_PENDSTCLR: u32 = 1 << 25;
const CSR_ENABLE_TICKINT_CORE: u32 = 7;
const MAX_PERIOD: u32 = 1 << 24;

// Touched by tasks with interrupts masked, and by the SysTick handler.
static mut BASE: u32 = 0;
static mut PERIOD: u32 = 0;
static mut SLEEPING: u32 = 0;
static mut DEADLINES: [u32; MAX_TASKS] = [0; MAX_TASKS];

fn critical<R>(f: impl FnOnce() -> R) -> R {
    unsafe { asm!("cpsid i") };
    let r = f();
    unsafe { asm!("cpsie i") };
    r
}

unsafe fn program_period(cycles: u32) {
    unsafe {
        PERIOD = cycles;
        SYST_RVR.write_volatile(cycles - 1);
        SYST_CVR.write_volatile(0); // reloads from RVR on the next cycle
        SCB_ICSR.write_volatile(ICSR_PENDSTCLR); // a wrap of the old period is in BASE now
    }
}

/// Cycles since the clock started (on first use). A wrap not yet handled shows as a pending
/// SysTick: counted here too.
unsafe fn now() -> u32 {
    unsafe {
        if SYST_CSR.read_volatile() & 1 == 0 {
            program_period(MAX_PERIOD);
            SYST_CSR.write_volatile(CSR_ENABLE_TICKINT_CORE);
        }
        let mut base = BASE;
        let mut val = SYST_CVR.read_volatile();
        if SCB_ICSR.read_volatile() & ICSR_PENDSTSET != 0 {
            val = SYST_CVR.read_volatile(); // surely after the wrap now
            base = base.wrapping_add(PERIOD);
        }
        // VAL reads 0 between a reload request and the reload: the start of a period.
        if val == 0 { base } else { base.wrapping_add(PERIOD - 1 - val) }
    }
}

fn due(deadline: u32, now: u32) -> bool {
    now.wrapping_sub(deadline) as i32 >= 0
}

/// Runs SysTick to the earliest deadline of the sleeping tasks.
unsafe fn reprogram(now: u32) {
    unsafe {
        let mut cycles = MAX_PERIOD;
        let mut sleeping = SLEEPING;
        while sleeping != 0 {
            let task = sleeping.trailing_zeros() as usize;
            sleeping &= sleeping - 1;
            let left = DEADLINES[task].wrapping_sub(now);
            if left < cycles {
                cycles = left;
            }
        }
        if cycles < 2 {
            cycles = 2; // LOAD 0 would stop the counter
        }
        // Nothing due within a full period, and running full periods already: leave it.
        if cycles == MAX_PERIOD && PERIOD == MAX_PERIOD {
            return;
        }
        BASE = now;
        program_period(cycles);
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn SysTick_Handler() {
    unsafe {
        BASE = BASE.wrapping_add(PERIOD);
        let now = now();
        let mut sleeping = SLEEPING;
        while sleeping != 0 {
            let task = sleeping.trailing_zeros();
            sleeping &= sleeping - 1;
            if due(DEADLINES[task as usize], now) {
                SLEEPING &= !(1 << task);
                wake(1 << task);
            }
        }
        reprogram(now);
    }
}

/// `sleep_us(n).await`: at least `n` microseconds.
pub struct Sleep {
    /// The duration in cycles until first polled, then the deadline.
    deadline: u32,
    started: bool,
}

pub fn sleep_us(us: u32) -> Sleep {
    Sleep { deadline: us * CYCLES_PER_US, started: false }
}

pub fn sleep_ms(ms: u32) -> Sleep {
    sleep_us(ms * 1000)
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let task = current_task(cx);
        critical(|| unsafe {
            let now = now();
            if !self.started {
                self.deadline = now.wrapping_add(self.deadline);
                self.started = true;
            }
            if due(self.deadline, now) {
                return Poll::Ready(());
            }
            DEADLINES[task.trailing_zeros() as usize] = self.deadline;
            SLEEPING |= task;
            reprogram(now);
            Poll::Pending
        })
    }
}
