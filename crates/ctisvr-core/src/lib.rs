//! # ctisvr-core (being written: only the wire module for now)
pub mod wire;
