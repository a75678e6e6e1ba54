//! Operational gauges for `/metrics`: the outboxes' backlogs. Each count runs on an index
//! (awards by state, notifications by e-mail state), so a scrape stays cheap however many
//! credentials and learners the database holds.

use crate::Result;
use crate::conn::{Conn, on};

/// How much background work waits, and how much was given up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    pub awards_pending: i64,
    pub awards_failed: i64,
    pub emails_pending: i64,
    pub emails_failed: i64,
}

impl Conn<'_> {
    pub async fn backlog(&mut self) -> Result<Backlog> {
        const AWARDS: &str = "SELECT \
             (SELECT COUNT(*) FROM awards WHERE state = 'pending'), \
             (SELECT COUNT(*) FROM awards WHERE state = 'failed'), \
             (SELECT COUNT(*) FROM notifications WHERE email_state = 'pending'), \
             (SELECT COUNT(*) FROM notifications WHERE email_state = 'failed')";
        let (a, b, c, d): (i64, i64, i64, i64) =
            on!(self, |c| sqlx::query_as(AWARDS).fetch_one(c).await)?;
        Ok(Backlog {
            awards_pending: a,
            awards_failed: b,
            emails_pending: c,
            emails_failed: d,
        })
    }
}
