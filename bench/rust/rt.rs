//! What every Rust bench program shares (each one says `#[path = "rt.rs"] mod rt;`): the
//! runtime an embedded Rust programmer writes by hand instead of pulling in an executor crate,
//! of the same shape as a hand-written C one, for the lm3s6965evb (Cortex-M3, 12 MHz):
//!
//! - startup: the full vector table (15 exceptions + the board's 44 interrupts), Reset_Handler
//!   copying .data and zeroing .bss (lm3s6965evb.ld gives the addresses);
//! - tasks: each task's future in a static slot of its own (no heap), created at start, as
//!   the C programmer keeps each task's state in a static (and embassy its task pools). A
//!   task is a bit in a ready mask; the executor sweeps the mask in task order, polling each
//!   ready task directly (no `dyn`), and sleeps in WFI when nothing is ready. A waker's data
//!   is its task's index, so waking is setting a bit, and channels, signals and timers keep
//!   a mask of waiting tasks rather than `Waker`s. (Futures `pin!`ned in the executor's own
//!   frame instead never escape it, and LLVM dissolves them into registers: that measures
//!   LLVM, not the state machines, and multi-task executors keep their tasks in statics.)
//! - console: Stellaris UART0 at 0x4000C000; exit: semihosting SYS_EXIT_EXTENDED, as
//!   runtime-c does; integers printed by hand, as a programmer counting bytes does, not
//!   through `core::fmt`;
//! - time (only programs that `mod` timer.rs link it): SysTick, tickless.
//!
//! Build (what mote.bench.RustBaseline does; RUSTC_BOOTSTRAP=1 for the unstable parts): a
//! sysroot holding `core` and `compiler_builtins` built from source for thumbv7m-none-eabi,
//! then `rustc --edition 2024 --target thumbv7m-none-eabi --sysroot SYSROOT --crate-type staticlib
//!  -C opt-level=s -C panic=abort -C lto=fat -C codegen-units=1 -C target-cpu=cortex-m3 PROG.rs`
//! and `ld.lld --gc-sections -T lm3s6965evb.ld libPROG.a -o PROG.elf`.

// Each program uses its own part of this file.
#![allow(dead_code, unused_macros, unused_imports)]

use core::arch::asm;
use core::cell::UnsafeCell;
use core::future::Future;
use core::mem::MaybeUninit;
use core::pin::Pin;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

// ---------------------------------------------------------------- startup

unsafe extern "C" {
    static mut _sidata: u32;
    static mut _sdata: u32;
    static mut _edata: u32;
    static mut _sbss: u32;
    static mut _ebss: u32;
    // lm3s6965evb.ld provides it as DefaultHandler unless a program defines it (timer.rs).
    fn SysTick_Handler();
}

/// One vector table entry: a handler, or a reserved word.
#[repr(C)]
pub union Vector {
    handler: unsafe extern "C" fn(),
    reserved: usize,
}

const DEFAULT: Vector = Vector { handler: DefaultHandler };
const RESERVED: Vector = Vector { reserved: 0 };
const IRQ_COUNT: usize = 44;

/// Everything after the initial stack pointer, which the linker script writes first.
#[repr(C)]
pub struct VectorTable {
    exceptions: [Vector; 15],
    irqs: [Vector; IRQ_COUNT],
}

#[unsafe(link_section = ".vectors")]
#[unsafe(no_mangle)]
#[used]
pub static VECTORS: VectorTable = VectorTable {
    exceptions: [
        Vector { handler: Reset_Handler },
        DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, // NMI, HardFault, MemManage, BusFault, UsageFault
        RESERVED, RESERVED, RESERVED, RESERVED,
        DEFAULT, DEFAULT, // SVCall, DebugMonitor
        RESERVED,
        DEFAULT, // PendSV
        Vector { handler: SysTick_Handler },
    ],
    irqs: [DEFAULT; IRQ_COUNT],
};

/// An unexpected exception or interrupt ends the program as a panic does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DefaultHandler() {
    exit(101)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn Reset_Handler() {
    // Volatile, so LLVM does not turn the loops into memcpy/memset before .data exists.
    unsafe {
        let mut src = &raw const _sidata;
        let mut dst = &raw mut _sdata;
        while dst < &raw mut _edata {
            dst.write_volatile(src.read_volatile());
            dst = dst.add(1);
            src = src.add(1);
        }
        let mut dst = &raw mut _sbss;
        while dst < &raw mut _ebss {
            dst.write_volatile(0);
            dst = dst.add(1);
        }
    }
    crate::start()
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    print_bytes(b"panicked\n");
    exit(101)
}

// ---------------------------------------------------------------- console and exit

const UART0_DR: *mut u32 = 0x4000_C000 as *mut u32;
const UART0_FR: *const u32 = 0x4000_C018 as *const u32;
const UART_FR_TXFF: u32 = 1 << 5;

pub fn putc(byte: u8) {
    unsafe {
        while UART0_FR.read_volatile() & UART_FR_TXFF != 0 {}
        UART0_DR.write_volatile(byte as u32);
    }
}

pub fn print_bytes(text: &[u8]) {
    for &b in text {
        putc(b);
    }
}

fn print_decimal(mut v: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    print_bytes(&digits[i..]);
}

/// What `say!` can print: text, integers in decimal, bools, `Hex`.
pub trait Show {
    fn show(self);
}

impl Show for &str {
    fn show(self) {
        print_bytes(self.as_bytes());
    }
}

impl Show for u32 {
    fn show(self) {
        print_decimal(self);
    }
}

impl Show for i32 {
    fn show(self) {
        if self < 0 {
            putc(b'-');
        }
        print_decimal(self.unsigned_abs());
    }
}

impl Show for bool {
    fn show(self) {
        print_bytes(if self { b"true" } else { b"false" });
    }
}

/// Lower-case hex without leading zeros, as Mote's `{:x}`.
pub struct Hex(pub u32);

impl Show for Hex {
    fn show(self) {
        let mut digits = [0u8; 8];
        let mut i = digits.len();
        let mut v = self.0;
        loop {
            i -= 1;
            digits[i] = b"0123456789abcdef"[(v & 15) as usize];
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        print_bytes(&digits[i..]);
    }
}

/// One console line from its pieces in order: `say!("sum = ", sum)` is Mote's
/// `println("sum = {}", sum)`.
macro_rules! say {
    ($($piece:expr),* $(,)?) => {{
        $( crate::rt::Show::show($piece); )*
        crate::rt::putc(b'\n');
    }};
}
pub(crate) use say;

const SYS_EXIT_EXTENDED: u32 = 0x20;
const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x20026;

/// Ends QEMU with `code` as its exit status (semihosting).
pub fn exit(code: i32) -> ! {
    let block = [ADP_STOPPED_APPLICATION_EXIT, code as u32];
    unsafe {
        asm!("bkpt 0xab", in("r0") SYS_EXIT_EXTENDED, in("r1") block.as_ptr(), options(nostack));
        loop {
            asm!("wfi");
        }
    }
}

// ---------------------------------------------------------------- tasks

/// One bit per task, set by `wake` (from tasks and from interrupt handlers).
static READY: AtomicU32 = AtomicU32::new(0);

pub fn wake(tasks: u32) {
    READY.fetch_or(tasks, Ordering::Release);
}

/// Makes task `index` ready: its first poll starts it.
pub fn spawn(index: u32) {
    wake(1 << index);
}

/// The bit of the task being polled: its waker carries the index.
pub fn current_task(cx: &Context<'_>) -> u32 {
    1 << (cx.waker().data() as u32)
}

/// The ready tasks, taken from the mask; waits for an interrupt while there are none.
pub fn take_ready() -> u32 {
    loop {
        let ready = READY.swap(0, Ordering::Acquire);
        if ready != 0 {
            return ready;
        }
        // Masked, so a wake between the check and WFI still ends the WFI.
        unsafe {
            asm!("cpsid i");
            if READY.load(Ordering::Relaxed) == 0 {
                asm!("wfi");
            }
            asm!("cpsie i");
        }
    }
}

fn waker_clone(data: *const ()) -> RawWaker {
    RawWaker::new(data, &WAKER_VTABLE)
}

fn waker_wake(data: *const ()) {
    wake(1 << (data as u32));
}

fn waker_drop(_: *const ()) {}

static WAKER_VTABLE: RawWakerVTable = RawWakerVTable::new(waker_clone, waker_wake, waker_wake, waker_drop);

/// Polls task `index` once.
pub fn poll_task<F: Future>(task: Pin<&mut F>, index: u32) -> Poll<F::Output> {
    let waker = unsafe { Waker::from_raw(RawWaker::new(index as *const (), &WAKER_VTABLE)) };
    task.poll(&mut Context::from_waker(&waker))
}

/// One task's future in a static of its own, as a C programmer keeps each task's state: a
/// module named after the task, holding the slot, `init` (creates the future, Unresumed)
/// and `poll`. The future's type is named through a type alias `impl Trait`
/// (`#![feature(type_alias_impl_trait)]`), as embassy's executor does on nightly.
macro_rules! task_slot {
    ($task:ident: $output:ty = $create:expr) => {
        #[allow(non_snake_case)]
        mod $task {
            use super::*;
            pub type Task = impl core::future::Future<Output = $output>;
            #[define_opaque(Task)]
            fn create() -> Task {
                $create
            }
            static mut SLOT: core::mem::MaybeUninit<Task> = core::mem::MaybeUninit::uninit();
            pub fn init() {
                unsafe { (*(&raw mut SLOT)).write(create()) };
            }
            pub fn poll(index: u32) -> core::task::Poll<$output> {
                // The slot is static and never moves: pinned for good once created.
                let task = unsafe { core::pin::Pin::new_unchecked((*(&raw mut SLOT)).assume_init_mut()) };
                crate::rt::poll_task(task, index)
            }
        }
    };
}
pub(crate) use task_slot;

/// The tasks and the executor, at item level:
/// `tasks!(main: main(), PRODUCER => producer(3), CONSUMER => consumer())` defines
/// `fn start() -> !`, which creates every task's future in its static slot and runs them.
/// Task 0 is `main`, ready at the start; the others start when `spawn`ed. When `main`
/// returns, the program exits with its value. A finished task is not polled again.
macro_rules! tasks {
    (main: main() $(, $index:expr => $task:ident($($arg:expr),*))* $(,)?) => {
        crate::rt::task_slot!(main: i32 = main());
        $( crate::rt::task_slot!($task: () = $task($($arg),*)); )*

        fn start() -> ! {
            main::init();
            $( $task::init(); )*
            #[allow(unused_mut)] // with no task but main, nothing finishes
            let mut finished: u32 = 0;
            crate::rt::spawn(0);
            loop {
                let ready = crate::rt::take_ready() & !finished;
                if ready & 1 != 0 {
                    if let core::task::Poll::Ready(code) = main::poll(0) {
                        crate::rt::exit(code);
                    }
                }
                $(
                    if ready & (1 << $index) != 0 && $task::poll($index).is_ready() {
                        finished |= 1 << $index;
                    }
                )*
            }
        }
    };
}
pub(crate) use tasks;

// ---------------------------------------------------------------- futures

/// `yield_now().await`: lets every other ready task run once.
pub struct YieldNow {
    yielded: bool,
}

pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        wake(current_task(cx));
        Poll::Pending
    }
}

/// A bounded FIFO of `N` values between tasks: `send` waits while it is full, `recv` while
/// it is empty. Waiting tasks are a mask, all woken when the other side moves (they check
/// again).
pub struct Channel<T, const N: usize> {
    inner: UnsafeCell<Ring<T, N>>,
}

struct Ring<T, const N: usize> {
    slots: [MaybeUninit<T>; N],
    head: u8,
    len: u8,
    receivers: u32,
    senders: u32,
}

// One core, and no interrupt handler touches a channel: tasks never run at the same time.
unsafe impl<T, const N: usize> Sync for Channel<T, N> {}

impl<T: Copy, const N: usize> Channel<T, N> {
    pub const fn new() -> Self {
        Channel {
            inner: UnsafeCell::new(Ring {
                slots: [const { MaybeUninit::uninit() }; N],
                head: 0,
                len: 0,
                receivers: 0,
                senders: 0,
            }),
        }
    }

    #[allow(clippy::mut_from_ref)]
    fn ring(&self) -> &mut Ring<T, N> {
        unsafe { &mut *self.inner.get() }
    }

    pub fn send(&self, value: T) -> Send<'_, T, N> {
        Send { channel: self, value }
    }

    pub fn recv(&self) -> Recv<'_, T, N> {
        Recv { channel: self }
    }
}

fn wake_all(waiters: &mut u32) {
    if *waiters != 0 {
        wake(*waiters);
        *waiters = 0;
    }
}

pub struct Send<'a, T, const N: usize> {
    channel: &'a Channel<T, N>,
    value: T,
}

impl<T: Copy, const N: usize> Future for Send<'_, T, N> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let ring = self.channel.ring();
        if ring.len as usize == N {
            ring.senders |= current_task(cx);
            return Poll::Pending;
        }
        ring.slots[(ring.head as usize + ring.len as usize) % N].write(self.value);
        ring.len += 1;
        wake_all(&mut ring.receivers);
        Poll::Ready(())
    }
}

pub struct Recv<'a, T, const N: usize> {
    channel: &'a Channel<T, N>,
}

impl<T: Copy, const N: usize> Future for Recv<'_, T, N> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let ring = self.channel.ring();
        if ring.len == 0 {
            ring.receivers |= current_task(cx);
            return Poll::Pending;
        }
        let value = unsafe { ring.slots[ring.head as usize].assume_init() };
        ring.head = ((ring.head as usize + 1) % N) as u8;
        ring.len -= 1;
        wake_all(&mut ring.senders);
        Poll::Ready(value)
    }
}

/// The latest value raised, until a task takes it: `raise` replaces a value not yet taken
/// and wakes the waiting tasks; `wait` takes the value, waiting until there is one.
pub struct Signal<T> {
    inner: UnsafeCell<(Option<T>, u32)>,
}

unsafe impl<T> Sync for Signal<T> {}

impl<T: Copy> Signal<T> {
    pub const fn new() -> Self {
        Signal { inner: UnsafeCell::new((None, 0)) }
    }

    #[allow(clippy::mut_from_ref)]
    fn cell(&self) -> &mut (Option<T>, u32) {
        unsafe { &mut *self.inner.get() }
    }

    pub fn raise(&self, value: T) {
        let cell = self.cell();
        cell.0 = Some(value);
        wake_all(&mut cell.1);
    }

    pub fn wait(&self) -> Wait<'_, T> {
        Wait { signal: self }
    }
}

pub struct Wait<'a, T> {
    signal: &'a Signal<T>,
}

impl<T: Copy> Future for Wait<'_, T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let cell = self.signal.cell();
        match cell.0.take() {
            Some(value) => Poll::Ready(value),
            None => {
                cell.1 |= current_task(cx);
                Poll::Pending
            }
        }
    }
}
