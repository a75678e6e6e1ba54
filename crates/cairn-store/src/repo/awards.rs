//! Storage for achievement rules' reverse index and the award outbox.

#[allow(unused_imports)]
use crate::conn::{Conn, on};
