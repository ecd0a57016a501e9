//! Code shared by the benchmarks.

#![allow(dead_code)]

pub mod baseline;
