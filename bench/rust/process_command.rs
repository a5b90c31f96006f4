//! examples/process_command.mote: both arms of a match await the same callee.
#![no_std]
#![no_main]
#![feature(type_alias_impl_trait)] // the tasks' static slots (rt.rs)

#[path = "rt.rs"]
mod rt;
use rt::{say, yield_now};

static mut NEXT: u32 = 0;

fn get_command() -> u32 {
    unsafe {
        NEXT += 1;
        NEXT % 2
    }
}

async fn send_response(code: i32) -> i32 {
    yield_now().await;
    code
}

async fn process_command() -> i32 {
    match get_command() {
        0 => send_response(123).await,
        _ => send_response(456).await,
    }
}

async fn main() -> i32 {
    let mut total = 0;
    for _i in 0..10 {
        total += process_command().await;
    }
    say!("total = ", total);
    total % 256
}

rt::tasks!(main: main());
