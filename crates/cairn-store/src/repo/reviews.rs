//! Storage for rubrics, performance evidence (with its files) and reviews.

#[allow(unused_imports)]
use crate::conn::{Conn, on};
