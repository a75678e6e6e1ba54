//! Storage for item banks, assessments and attempts.

#[allow(unused_imports)]
use crate::conn::{Conn, on};
