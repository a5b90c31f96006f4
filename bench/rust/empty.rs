//! bench/empty.mote: the image every program's own flash is measured against.
#![no_std]
#![no_main]
#![feature(type_alias_impl_trait)] // the tasks' static slots (rt.rs)

#[path = "rt.rs"]
mod rt;

async fn main() -> i32 {
    0
}

rt::tasks!(main: main());
